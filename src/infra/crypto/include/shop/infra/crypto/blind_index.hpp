#pragma once

#include "shop/infra/crypto/key_ring.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// A keyed hash of an encrypted field's value, stored next to the ciphertext so the column can be
// looked up and made unique without decrypting (`WHERE email_bidx = $1`). BLAKE2b keyed with the
// ring's "blindidx" subkey over the domain ("email") and the value. The caller normalizes the value
// first (trim, lower-case an email) because equal indexes require byte-equal input. The domain keeps
// equal values of different kinds apart; without the key nobody can test guesses against the index.
namespace shop::infra::crypto {

class BlindIndex {
 public:
  static constexpr std::size_t kBytes = 32;

  explicit BlindIndex(const KeyRing& keys);

  // Under the current key: kBytes raw bytes (for a bytea column) or 64 hex characters.
  std::string compute(std::string_view domain, std::string_view normalized_value) const;
  std::string compute_hex(std::string_view domain, std::string_view normalized_value) const;

  // Under every key in the ring, the current first: while rows indexed under an older key are being
  // re-indexed, a lookup matches any of these (`WHERE email_bidx = ANY($1)`).
  std::vector<std::string> compute_all(std::string_view domain, std::string_view normalized_value) const;

 private:
  DerivedKeys keys_;
};

}  // namespace shop::infra::crypto
