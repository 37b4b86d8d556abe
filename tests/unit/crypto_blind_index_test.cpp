#include "shop/infra/crypto/base64.hpp"
#include "shop/infra/crypto/blind_index.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using shop::infra::crypto::BlindIndex;
using shop::infra::crypto::encode_base64;
using shop::infra::crypto::encode_hex;
using shop::infra::crypto::KeyRing;

TEST_CASE("BlindIndex is deterministic for one key, domain and value", "[unit][crypto]") {
  const auto ring = KeyRing::generate();
  const BlindIndex index(ring);
  const auto raw = index.compute("email", "alice@example.com");
  CHECK(raw.size() == BlindIndex::kBytes);
  CHECK(index.compute("email", "alice@example.com") == raw);
  // A second instance from the same keys (another process) agrees.
  CHECK(BlindIndex(KeyRing::parse(ring.to_text())).compute("email", "alice@example.com") == raw);
  const auto hex = index.compute_hex("email", "alice@example.com");
  CHECK(hex.size() == 64);
  CHECK(hex == encode_hex(raw));
}

TEST_CASE("BlindIndex separates values, domains and keys", "[unit][crypto]") {
  const auto ring = KeyRing::generate();
  const BlindIndex index(ring);
  const auto alice = index.compute("email", "alice@example.com");
  CHECK(index.compute("email", "bob@example.com") != alice);
  CHECK(index.compute("email", "Alice@example.com") != alice);  // normalizing is the caller's job
  CHECK(index.compute("phone", "alice@example.com") != alice);
  CHECK(index.compute("", "alice@example.com") != alice);
  // The domain's length is hashed too, so moving the boundary changes the index.
  CHECK(index.compute("emai", "lalice@example.com") != alice);
  CHECK(index.compute("emaila", "lice@example.com") != alice);
  CHECK(BlindIndex(KeyRing::generate()).compute("email", "alice@example.com") != alice);
  // Keyed: not the unkeyed hash anyone could compute.
  CHECK(index.compute("", "") != BlindIndex(KeyRing::generate()).compute("", ""));
}

TEST_CASE("BlindIndex after a rotation indexes under the new key and looks up under all", "[unit][crypto]") {
  const auto ring = KeyRing::generate();
  const auto old_index = BlindIndex(ring).compute("email", "alice@example.com");
  const BlindIndex rotated(ring.rotated());
  const auto new_index = rotated.compute("email", "alice@example.com");
  CHECK(new_index != old_index);
  CHECK(rotated.compute_all("email", "alice@example.com") == std::vector<std::string>{new_index, old_index});
}
