#include "shop/infra/crypto/base64.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using shop::infra::crypto::decode_base64;
using shop::infra::crypto::decode_base64url;
using shop::infra::crypto::encode_base64;
using shop::infra::crypto::encode_base64url;
using shop::infra::crypto::encode_hex;

TEST_CASE("base64 encodes the RFC 4648 test vectors", "[unit][crypto]") {
  CHECK(encode_base64("") == "");
  CHECK(encode_base64("f") == "Zg==");
  CHECK(encode_base64("fo") == "Zm8=");
  CHECK(encode_base64("foo") == "Zm9v");
  CHECK(encode_base64("foobar") == "Zm9vYmFy");
  CHECK(encode_base64url("f") == "Zg");
  CHECK(encode_base64url("fo") == "Zm8");
  CHECK(encode_base64url("\xfb\xff") == "-_8");
  CHECK(encode_base64("\xfb\xff") == "+/8=");
  CHECK(encode_hex(std::string("\x00\x01\xab\xff", 4)) == "0001abff");
}

TEST_CASE("base64 round-trips every byte at every length", "[unit][crypto]") {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    bytes.push_back(static_cast<char>(i * 7));
    CHECK(decode_base64(encode_base64(bytes)) == bytes);
    CHECK(decode_base64url(encode_base64url(bytes)) == bytes);
  }
}

TEST_CASE("base64 decoding accepts only the canonical spelling", "[unit][crypto]") {
  // "Zh" would decode to "f" too if the unused low bits were ignored.
  CHECK(decode_base64url("Zg") == std::optional<std::string>("f"));
  CHECK_FALSE(decode_base64url("Zh"));
  CHECK(decode_base64url("Zm8") == std::optional<std::string>("fo"));
  CHECK_FALSE(decode_base64url("Zm9"));  // "fo" with a low bit set
  CHECK_FALSE(decode_base64url("Zm9vZ"));
  CHECK_FALSE(decode_base64("Zh=="));
  CHECK_FALSE(decode_base64url("Zg=="));  // no padding in the URL-safe form
  CHECK_FALSE(decode_base64("Zg"));       // padding required in the standard form
  CHECK_FALSE(decode_base64url("+/8"));   // the other alphabet
  CHECK_FALSE(decode_base64("-_8="));
  CHECK_FALSE(decode_base64url("Z"));
  CHECK_FALSE(decode_base64url("Zm9v YmFy"));
  CHECK_FALSE(decode_base64url("Zm9v\nYmFy"));
  CHECK_FALSE(decode_base64url("Zm9v."));
  CHECK_FALSE(decode_base64url(std::string("Zm9v\0", 5)));
}
