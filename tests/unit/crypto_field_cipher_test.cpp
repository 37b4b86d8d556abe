#include "shop/infra/crypto/base64.hpp"
#include "shop/infra/crypto/field_cipher.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using shop::infra::crypto::decode_base64;
using shop::infra::crypto::encode_base64;
using shop::infra::crypto::FieldCipher;
using shop::infra::crypto::KeyRing;

namespace {

constexpr const char* kEmail = "alice@example.com";
constexpr const char* kRow = "users.email:42";

}  // namespace

TEST_CASE("FieldCipher round-trips values under their associated data", "[unit][crypto]") {
  const FieldCipher cipher(KeyRing::generate());
  const auto sealed = cipher.encrypt(kEmail, kRow);
  CHECK(sealed.size() == std::string(kEmail).size() + FieldCipher::kOverheadBytes);
  CHECK(sealed.find(kEmail) == std::string::npos);
  CHECK(cipher.decrypt(sealed, kRow) == std::optional<std::string>(kEmail));

  CHECK(cipher.decrypt(cipher.encrypt("", kRow), kRow) == std::optional<std::string>(""));
  CHECK(cipher.decrypt(cipher.encrypt(kEmail, ""), "") == std::optional<std::string>(kEmail));
  const std::string binary("\0\xff\x01 zero", 8);
  CHECK(cipher.decrypt(cipher.encrypt(binary, kRow), kRow) == binary);

  // A fresh nonce each time: equal values do not give equal ciphertexts.
  CHECK(cipher.encrypt(kEmail, kRow) != sealed);

  // A text column can hold it as base64.
  CHECK(cipher.decrypt(*decode_base64(encode_base64(sealed)), kRow) == std::optional<std::string>(kEmail));
}

TEST_CASE("FieldCipher records its version and key id in the clear", "[unit][crypto]") {
  const FieldCipher cipher(KeyRing::generate(0x01020304));
  const auto sealed = cipher.encrypt(kEmail, kRow);
  CHECK(sealed.substr(0, 5) == std::string("\x01\x01\x02\x03\x04", 5));
  CHECK(FieldCipher::key_id_of(sealed) == 0x01020304u);
  CHECK(cipher.current_key_id() == 0x01020304u);
  CHECK_FALSE(FieldCipher::key_id_of(sealed.substr(0, FieldCipher::kOverheadBytes - 1)));
  auto other_version = sealed;
  other_version[0] = '\x02';
  CHECK_FALSE(FieldCipher::key_id_of(other_version));
}

TEST_CASE("FieldCipher rejects every altered bit", "[unit][crypto]") {
  const FieldCipher cipher(KeyRing::generate());
  const auto sealed = cipher.encrypt(kEmail, kRow);
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto altered = sealed;
      altered[i] = static_cast<char>(altered[i] ^ (1 << bit));
      INFO("byte " << i << " bit " << bit);
      CHECK_FALSE(cipher.decrypt(altered, kRow));
    }
  }
}

TEST_CASE("FieldCipher rejects other associated data, so values cannot move between rows", "[unit][crypto]") {
  const FieldCipher cipher(KeyRing::generate());
  const auto alice = cipher.encrypt(kEmail, "users.email:42");
  CHECK_FALSE(cipher.decrypt(alice, "users.email:43"));
  CHECK_FALSE(cipher.decrypt(alice, "users.phone:42"));
  CHECK_FALSE(cipher.decrypt(alice, ""));
  CHECK_FALSE(cipher.decrypt(alice, "users.email:42 "));
}

TEST_CASE("FieldCipher rejects truncated and extended ciphertexts", "[unit][crypto]") {
  const FieldCipher cipher(KeyRing::generate());
  const auto sealed = cipher.encrypt(kEmail, kRow);
  for (std::size_t length = 0; length < sealed.size(); ++length) {
    INFO("length " << length);
    CHECK_FALSE(cipher.decrypt(sealed.substr(0, length), kRow));
    CHECK_FALSE(cipher.decrypt(sealed.substr(sealed.size() - length), kRow));
  }
  CHECK_FALSE(cipher.decrypt(sealed + '\0', kRow));
}

TEST_CASE("FieldCipher rejects unknown key ids and other keys", "[unit][crypto]") {
  const auto ring = KeyRing::generate();
  const FieldCipher cipher(ring);
  const FieldCipher newer(ring.rotated());
  const auto under_key_2 = newer.encrypt(kEmail, kRow);
  CHECK(FieldCipher::key_id_of(under_key_2) == 2u);
  CHECK_FALSE(cipher.decrypt(under_key_2, kRow));

  // Same id, different key: some other deployment's data.
  const FieldCipher stranger(KeyRing::generate());
  CHECK_FALSE(stranger.decrypt(cipher.encrypt(kEmail, kRow), kRow));
}

TEST_CASE("FieldCipher still decrypts old values after a rotation", "[unit][crypto]") {
  const auto ring = KeyRing::generate();
  const auto old_value = FieldCipher(ring).encrypt(kEmail, kRow);
  const FieldCipher rotated(ring.rotated());
  CHECK(rotated.current_key_id() == 2u);
  CHECK(rotated.decrypt(old_value, kRow) == std::optional<std::string>(kEmail));
  const auto new_value = rotated.encrypt(kEmail, kRow);
  CHECK(FieldCipher::key_id_of(new_value) == 2u);
  CHECK(rotated.decrypt(new_value, kRow) == std::optional<std::string>(kEmail));
}
