#include "shop/infra/crypto/base64.hpp"
#include "shop/infra/crypto/token_signer.hpp"

#include <sodium.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using shop::infra::crypto::decode_base64url;
using shop::infra::crypto::encode_base64url;
using shop::infra::crypto::KeyId;
using shop::infra::crypto::KeyPurpose;
using shop::infra::crypto::KeyRing;
using shop::infra::crypto::TokenClaims;
using shop::infra::crypto::TokenSigner;
using namespace std::chrono_literals;

namespace {

const std::chrono::sys_seconds kIssued{std::chrono::seconds{1'700'000'000}};
const std::chrono::sys_seconds kExpires = kIssued + 15min;

TokenClaims claims() {
  return {"user-42", "session-7f3a", "customer", kIssued, kExpires};
}

// A token carrying `payload` with a correct tag under `ring`'s key `id`, the way only the server could
// make one: checks that verify looks past the tag at what it carries.
std::string forge(const KeyRing& ring, KeyId id, const std::string& payload) {
  const auto key = ring.derive(id, KeyPurpose::kTokenSignature);
  std::string token = "v1.";
  token += encode_base64url(payload);
  std::string tag(crypto_auth_hmacsha512256_BYTES, '\0');
  crypto_auth_hmacsha512256(reinterpret_cast<unsigned char*>(tag.data()),
                            reinterpret_cast<const unsigned char*>(token.data()), token.size(), key.data());
  return token + "." + encode_base64url(tag);
}

}  // namespace

TEST_CASE("TokenSigner round-trips claims", "[unit][crypto]") {
  const TokenSigner signer(KeyRing::generate());
  const auto token = signer.sign(claims());
  CHECK(token.starts_with("v1."));
  CHECK(std::count(token.begin(), token.end(), '.') == 2);
  CHECK(signer.verify(token, kIssued) == claims());
  CHECK(signer.verify(token, kExpires - 1s) == claims());

  // Any bytes in the strings, including the separator and nothing at all.
  const TokenClaims odd{"a.b.c", std::string("\0\xff", 2), "", kIssued, kExpires};
  CHECK(signer.verify(signer.sign(odd), kIssued) == odd);
  const TokenClaims longest{std::string(TokenSigner::kMaxClaimBytes, 's'), "s", "r", kIssued, kExpires};
  CHECK(signer.verify(signer.sign(longest), kIssued) == longest);
}

TEST_CASE("TokenSigner rejects every altered bit", "[unit][crypto]") {
  const TokenSigner signer(KeyRing::generate());
  const auto token = signer.sign(claims());
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto altered = token;
      altered[i] = static_cast<char>(altered[i] ^ (1 << bit));
      INFO("character " << i << " bit " << bit);
      CHECK_FALSE(signer.verify(altered, kIssued));
    }
  }
}

TEST_CASE("TokenSigner rejects expired tokens", "[unit][crypto]") {
  const TokenSigner signer(KeyRing::generate());
  const auto token = signer.sign(claims());
  CHECK(signer.verify(token, kExpires - 1s));
  CHECK_FALSE(signer.verify(token, kExpires));
  CHECK_FALSE(signer.verify(token, kExpires + 24h));
}

TEST_CASE("TokenSigner rejects other prefixes", "[unit][crypto]") {
  const TokenSigner signer(KeyRing::generate());
  const auto token = signer.sign(claims());
  const auto rest = token.substr(3);
  for (const std::string_view prefix : {"", "v2.", "V1.", "v0.", "v1", "v1..", ".", "none.", "v1.v1."}) {
    INFO(prefix);
    CHECK_FALSE(signer.verify(std::string(prefix).append(rest), kIssued));
  }
}

TEST_CASE("TokenSigner rejects a missing, empty or short tag", "[unit][crypto]") {
  const auto ring = KeyRing::generate();
  const TokenSigner signer(ring);
  const auto token = signer.sign(claims());
  const auto signed_part = token.substr(0, token.rfind('.'));
  const auto tag = *decode_base64url(token.substr(token.rfind('.') + 1));
  CHECK_FALSE(signer.verify(signed_part, kIssued));
  CHECK_FALSE(signer.verify(signed_part + ".", kIssued));
  CHECK_FALSE(signer.verify(signed_part + "." + encode_base64url(std::string(32, '\0')), kIssued));
  CHECK_FALSE(signer.verify(signed_part + "." + encode_base64url(tag.substr(0, 31)), kIssued));
  CHECK_FALSE(signer.verify(signed_part + "." + encode_base64url(tag.substr(0, 16)), kIssued));
  CHECK_FALSE(signer.verify(signed_part + "." + encode_base64url(tag + '\0'), kIssued));
  CHECK_FALSE(signer.verify(token + ".", kIssued));
  CHECK_FALSE(signer.verify(token + "." + encode_base64url(tag), kIssued));
}

TEST_CASE("TokenSigner rejects tokens of keys it does not hold", "[unit][crypto]") {
  const auto ring = KeyRing::generate();
  const TokenSigner signer(ring);
  // Same key id, another key: a token from some other deployment.
  CHECK_FALSE(signer.verify(TokenSigner(KeyRing::generate()).sign(claims()), kIssued));
  // A key id the ring does not have.
  CHECK_FALSE(signer.verify(TokenSigner(ring.rotated()).sign(claims()), kIssued));
}

TEST_CASE("TokenSigner keeps verifying old tokens after a rotation", "[unit][crypto]") {
  const auto ring = KeyRing::generate();
  const auto old_token = TokenSigner(ring).sign(claims());
  const auto rotated = ring.rotated();
  const TokenSigner signer(rotated);
  CHECK(signer.verify(old_token, kIssued) == claims());
  const auto new_token = signer.sign(claims());
  CHECK(signer.verify(new_token, kIssued) == claims());
  // The new token names key 2, which the old ring lacks.
  CHECK_FALSE(TokenSigner(ring).verify(new_token, kIssued));
  // Once key 1 is retired, its tokens stop verifying.
  const auto only_key_2 = rotated.to_text().substr(rotated.to_text().find(',') + 1);
  CHECK_FALSE(TokenSigner(KeyRing::parse(only_key_2)).verify(old_token, kIssued));
  CHECK(TokenSigner(KeyRing::parse(only_key_2)).verify(new_token, kIssued));
}

TEST_CASE("TokenSigner rejects malformed tokens, even correctly tagged ones", "[unit][crypto]") {
  const auto ring = KeyRing::generate();
  const TokenSigner signer(ring);
  for (const std::string& bad :
       std::vector<std::string>{"", "v1.", "v1..", "v1.!!!.!!!", "v1.AAAA.AAAA", "garbage",
                                std::string(TokenSigner::kMaxTokenLength + 1, 'A')}) {
    CHECK_FALSE(signer.verify(bad, kIssued));
  }

  // Tagged with the right key but not a well-formed payload.
  const auto good = *decode_base64url(signer.sign(claims()).substr(3, signer.sign(claims()).rfind('.') - 3));
  REQUIRE(signer.verify(forge(ring, 1, good), kIssued) == claims());  // the forger is faithful
  CHECK_FALSE(signer.verify(forge(ring, 1, good + 'x'), kIssued));
  CHECK_FALSE(signer.verify(forge(ring, 1, good.substr(0, good.size() - 1)), kIssued));
  CHECK_FALSE(signer.verify(forge(ring, 1, good.substr(0, 4)), kIssued));
  CHECK_FALSE(signer.verify(forge(ring, 1, ""), kIssued));
  std::string overlong_length = good;
  overlong_length[20] = '\x7f';  // subject length's high byte
  CHECK_FALSE(signer.verify(forge(ring, 1, overlong_length), kIssued));
}

TEST_CASE("TokenSigner refuses to sign what it could not verify", "[unit][crypto]") {
  const TokenSigner signer(KeyRing::generate());
  auto expired_at_birth = claims();
  expired_at_birth.expires_at = expired_at_birth.issued_at;
  CHECK_THROWS_AS(signer.sign(expired_at_birth), std::invalid_argument);
  auto too_long = claims();
  too_long.role = std::string(TokenSigner::kMaxClaimBytes + 1, 'r');
  CHECK_THROWS_AS(signer.sign(too_long), std::invalid_argument);
}
