#pragma once

#include "shop/infra/crypto/secret_key.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

// Master keys with ids. One is current and protects new data; the others stay to read data they
// protected before a rotation. A master key is never used directly: each purpose gets its own subkey
// (crypto_kdf), so a weakness in how one purpose uses its key cannot spill into another.
//
// Text form, as an environment variable or config value holds it:
//
//   <id>:<base64 key>[,<id>:<base64 key>...][,current=<id>]
//
//   - <id> is a decimal integer from 0 to 4294967295, unique within the ring;
//   - <base64 key> is 32 bytes in standard base64 with padding (`openssl rand -base64 32`);
//   - entries are separated by commas or newlines; spaces around them are ignored;
//   - the current key is the one named by `current=`, or else the last one listed, so rotating is
//     appending a new entry.
//
//   SHOPD_KEYS="1:<key>,2:<key>"   (after a rotation: data under key 1 stays readable, 2 is current)
namespace shop::infra::crypto {

using KeyId = std::uint32_t;

// What a subkey is for; each maps to its own crypto_kdf context.
enum class KeyPurpose {
  kFieldEncryption,  // "fieldenc": FieldCipher
  kBlindIndex,       // "blindidx": BlindIndex
  kTokenSignature,   // "tokensig": TokenSigner
};

class KeyRing {
 public:
  // Throws std::invalid_argument naming what is wrong (never the key material) if `keys` is empty or
  // `current` is not among them.
  KeyRing(std::map<KeyId, SecretKey> keys, KeyId current);

  // Parses the text form above. Throws std::invalid_argument naming the entry and the problem.
  static KeyRing parse(std::string_view text);
  // One fresh random key with id `id`, current.
  static KeyRing generate(KeyId id = 1);

  // The text form of this ring. It contains the keys: write it only where secrets belong.
  std::string to_text() const;

  // A copy with one more random key, id one above the highest, made current. Older keys stay so
  // their data can still be read.
  KeyRing rotated() const;

  KeyId current_id() const { return current_; }
  std::vector<KeyId> ids() const;
  bool contains(KeyId id) const { return keys_.contains(id); }

  // The subkey of master key `id` for `purpose`. Throws std::out_of_range for an id not in the ring.
  SecretKey derive(KeyId id, KeyPurpose purpose) const;

 private:
  std::map<KeyId, SecretKey> keys_;
  KeyId current_;
};

// The subkeys of every master key in a ring for one purpose, derived once. Each user of keys
// (FieldCipher, TokenSigner, ...) holds one of these, so it needs no ring afterwards.
class DerivedKeys {
 public:
  DerivedKeys(const KeyRing& ring, KeyPurpose purpose);

  KeyId current_id() const { return current_; }
  const SecretKey& current() const { return keys_.at(current_); }
  // nullptr when the ring had no key `id`.
  const SecretKey* find(KeyId id) const;
  // Every id, the current first.
  std::vector<KeyId> ids() const;

 private:
  std::map<KeyId, SecretKey> keys_;
  KeyId current_;
};

}  // namespace shop::infra::crypto
