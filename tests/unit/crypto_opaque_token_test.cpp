#include "shop/infra/crypto/base64.hpp"
#include "shop/infra/crypto/opaque_token.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using shop::infra::crypto::decode_base64url;
using shop::infra::crypto::generate_opaque_token;
using shop::infra::crypto::hash_for_storage;
using shop::infra::crypto::kOpaqueTokenBytes;

TEST_CASE("Opaque tokens are 32 random bytes in base64url", "[unit][crypto]") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto token = generate_opaque_token();
    CHECK(token.size() == 43);
    CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    const auto bytes = decode_base64url(token);
    REQUIRE(bytes);
    CHECK(bytes->size() == kOpaqueTokenBytes);
    seen.insert(token);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("Opaque tokens are stored as their SHA-256 in hex", "[unit][crypto]") {
  // FIPS 180-2's test vector.
  CHECK(hash_for_storage("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const auto token = generate_opaque_token();
  const auto stored = hash_for_storage(token);
  CHECK(stored.size() == 64);
  CHECK(stored == hash_for_storage(token));
  CHECK(stored != hash_for_storage(generate_opaque_token()));
  CHECK(stored.find(token) == std::string::npos);
}
