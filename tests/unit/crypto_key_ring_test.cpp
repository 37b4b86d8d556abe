#include "shop/infra/crypto/base64.hpp"
#include "shop/infra/crypto/key_ring.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using shop::infra::crypto::DerivedKeys;
using shop::infra::crypto::encode_base64;
using shop::infra::crypto::KeyId;
using shop::infra::crypto::KeyPurpose;
using shop::infra::crypto::KeyRing;
using shop::infra::crypto::SecretKey;

namespace {

// A well-formed key whose bytes are all `fill`.
std::string key_text(char fill) {
  return encode_base64(std::string(32, fill));
}

std::string parse_error(const std::string& text) {
  try {
    KeyRing::parse(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  FAIL("no error for a bad key ring");
  return {};
}

}  // namespace

TEST_CASE("KeyRing parses keys and takes the last as current", "[unit][crypto]") {
  const auto ring = KeyRing::parse("1:" + key_text('a') + ",2:" + key_text('b'));
  CHECK(ring.ids() == std::vector<KeyId>{1, 2});
  CHECK(ring.current_id() == 2);
  CHECK(ring.contains(1));
  CHECK_FALSE(ring.contains(3));

  // Order in the text decides, not the numbers.
  CHECK(KeyRing::parse("7:" + key_text('a') + ",3:" + key_text('b')).current_id() == 3);
}

TEST_CASE("KeyRing accepts current=, newlines and spaces", "[unit][crypto]") {
  const auto ring =
      KeyRing::parse(" 1 : " + key_text('a') + " ,\n current = 1 \r\n2:" + key_text('b') + ",\n");
  CHECK(ring.ids() == std::vector<KeyId>{1, 2});
  CHECK(ring.current_id() == 1);
}

TEST_CASE("KeyRing round-trips through its text form", "[unit][crypto]") {
  const auto one = KeyRing::parse("1:" + key_text('a') + ",2:" + key_text('b') + ",current=1");
  const auto two = KeyRing::parse(one.to_text());
  CHECK(two.ids() == one.ids());
  CHECK(two.current_id() == 1);
  for (const KeyId id : one.ids()) {
    CHECK(two.derive(id, KeyPurpose::kBlindIndex) == one.derive(id, KeyPurpose::kBlindIndex));
  }
  CHECK(KeyRing::parse(KeyRing::parse("5:" + key_text('c')).to_text()).current_id() == 5);
}

TEST_CASE("KeyRing parse errors name the problem and never the key", "[unit][crypto]") {
  const std::string a = key_text('a');
  const std::string short_key = encode_base64(std::string(16, 'x'));
  CHECK_THAT(parse_error(""), Contains("no keys"));
  CHECK_THAT(parse_error(" , \n ,"), Contains("no keys"));
  CHECK_THAT(parse_error(a), Contains("entry 1") && Contains("expected <id>:<base64 key>"));
  CHECK_THAT(parse_error("1:" + a + ",x:" + a), Contains("entry 2") && Contains("key id must be"));
  CHECK_THAT(parse_error("-1:" + a), Contains("key id must be"));
  CHECK_THAT(parse_error("4294967296:" + a), Contains("key id must be"));
  CHECK_THAT(parse_error(":" + a), Contains("key id must be"));
  CHECK_THAT(parse_error("1:not base64!"), Contains("key 1 is not valid base64"));
  CHECK_THAT(parse_error("1:" + a.substr(0, a.size() - 1)), Contains("not valid base64"));
  CHECK_THAT(parse_error("1:"), Contains("key 1 is 0 bytes"));
  CHECK_THAT(parse_error("3:" + short_key), Contains("key 3 is 16 bytes; keys must be 32 bytes"));
  CHECK_THAT(parse_error("1:" + encode_base64(std::string(33, 'x'))), Contains("33 bytes"));
  CHECK_THAT(parse_error("1:" + a + ",1:" + a),
             Contains("entry 2") && Contains("key id 1 appears more than once"));
  CHECK_THAT(parse_error("1:" + a + ",current=2"), Contains("current=2 names no key"));
  CHECK_THAT(parse_error("1:" + a + ",current=one"), Contains("current= must name a key id"));
  CHECK_THAT(parse_error("current=1,1:" + a + ",current=1"), Contains("more than once"));

  // However it fails, the message carries no key material.
  const std::string one_a = "1:" + a;
  const std::vector<std::string> bad_rings{one_a + ",2:" + short_key,
                                           one_a + "," + one_a,
                                           one_a + ",current=9",
                                           a + "," + a,
                                           "x:" + a,
                                           one_a + "!"};
  for (const std::string& bad : bad_rings) {
    const auto message = parse_error(bad);
    CHECK_THAT(message, !Contains(a.substr(0, 12)) && !Contains(short_key.substr(0, 12)));
  }
}

TEST_CASE("KeyRing::generate makes a fresh random key each time", "[unit][crypto]") {
  const auto one = KeyRing::generate();
  const auto two = KeyRing::generate();
  CHECK(one.ids() == std::vector<KeyId>{1});
  CHECK(one.current_id() == 1);
  CHECK_FALSE(one.derive(1, KeyPurpose::kFieldEncryption) == two.derive(1, KeyPurpose::kFieldEncryption));
  CHECK(KeyRing::generate(42).current_id() == 42);
}

TEST_CASE("KeyRing::rotated adds a new current key and keeps the old ones", "[unit][crypto]") {
  const auto old_ring = KeyRing::parse("1:" + key_text('a') + ",4:" + key_text('b') + ",current=1");
  const auto ring = old_ring.rotated();
  CHECK(ring.ids() == std::vector<KeyId>{1, 4, 5});
  CHECK(ring.current_id() == 5);
  CHECK(ring.derive(1, KeyPurpose::kTokenSignature) == old_ring.derive(1, KeyPurpose::kTokenSignature));
  CHECK_FALSE(ring.derive(5, KeyPurpose::kTokenSignature) == ring.derive(4, KeyPurpose::kTokenSignature));
  CHECK_THROWS_AS(KeyRing::generate(4294967295u).rotated(), std::invalid_argument);
}

TEST_CASE("KeyRing derives a separate subkey per purpose and per master key", "[unit][crypto]") {
  const auto ring = KeyRing::parse("1:" + key_text('a') + ",2:" + key_text('b'));
  const auto field = ring.derive(1, KeyPurpose::kFieldEncryption);
  const auto blind = ring.derive(1, KeyPurpose::kBlindIndex);
  const auto token = ring.derive(1, KeyPurpose::kTokenSignature);
  CHECK_FALSE(field == blind);
  CHECK_FALSE(field == token);
  CHECK_FALSE(blind == token);
  CHECK_FALSE(field == ring.derive(2, KeyPurpose::kFieldEncryption));
  // Deterministic: the same master key always gives the same subkey, so data stays readable.
  CHECK(field == ring.derive(1, KeyPurpose::kFieldEncryption));
  // And never the master key itself.
  SecretKey master;
  std::fill_n(master.data(), master.size(), static_cast<unsigned char>('a'));
  CHECK_FALSE(field == master);
  CHECK_THROWS_AS(ring.derive(3, KeyPurpose::kFieldEncryption), std::out_of_range);
}

TEST_CASE("KeyRing refuses to be built empty or with an absent current key", "[unit][crypto]") {
  CHECK_THROWS_AS(KeyRing({}, 1), std::invalid_argument);
  std::map<KeyId, SecretKey> keys;
  keys.emplace(1, SecretKey::random());
  CHECK_THROWS_AS(KeyRing(keys, 2), std::invalid_argument);
  CHECK(KeyRing(keys, 1).current_id() == 1);
}

TEST_CASE("DerivedKeys lists the current key first and finds the others", "[unit][crypto]") {
  const auto ring =
      KeyRing::parse("1:" + key_text('a') + ",2:" + key_text('b') + ",3:" + key_text('c') + ",current=2");
  const DerivedKeys keys(ring, KeyPurpose::kBlindIndex);
  CHECK(keys.current_id() == 2);
  CHECK(keys.ids() == std::vector<KeyId>{2, 1, 3});
  CHECK(keys.current() == ring.derive(2, KeyPurpose::kBlindIndex));
  REQUIRE(keys.find(3) != nullptr);
  CHECK(*keys.find(3) == ring.derive(3, KeyPurpose::kBlindIndex));
  CHECK(keys.find(4) == nullptr);
}
