#pragma once

#include "shop/infra/crypto/key_ring.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// Encrypts single column values (an email, a phone number) with XChaCha20-Poly1305 under the ring's
// "fieldenc" subkeys. The output is binary: store it as `bytea` (or pass it through encode_base64 for
// a text column). Layout:
//
//   version (1 byte, 0x01) | key id (4 bytes, big-endian) | nonce (24 random bytes) | ciphertext + tag (16)
//
// The key id lets old values decrypt after a rotation. The associated data binds a value to where it
// belongs ("users.email:<user_id>"): it is not stored, the reader must supply the same string, so a
// ciphertext copied into another row or column fails to decrypt. The version byte and key id are
// authenticated too.
namespace shop::infra::crypto {

class FieldCipher {
 public:
  static constexpr std::size_t kOverheadBytes = 1 + 4 + 24 + 16;

  explicit FieldCipher(const KeyRing& keys);

  // Under the current key, with a fresh random nonce, so equal plaintexts give unequal ciphertexts.
  std::string encrypt(std::string_view plaintext, std::string_view associated_data) const;

  // nullopt for anything that is not an untouched ciphertext made by a key in the ring with this same
  // associated data: altered, truncated, unknown version or key id, other associated data.
  std::optional<std::string> decrypt(std::string_view ciphertext, std::string_view associated_data) const;

  // The key id recorded in a ciphertext (not authenticated until decrypt), so a re-encryption job can
  // find values still under an old key. nullopt if too short or of an unknown version.
  static std::optional<KeyId> key_id_of(std::string_view ciphertext);

  KeyId current_key_id() const { return keys_.current_id(); }

 private:
  DerivedKeys keys_;
};

}  // namespace shop::infra::crypto
