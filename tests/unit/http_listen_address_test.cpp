#include "shop/infra/http/server.hpp"

#include <catch2/catch.hpp>

using shop::infra::http::parse_listen_address;

TEST_CASE("parse_listen_address reads IPv4 host and port", "[unit][http]") {
  const auto a = parse_listen_address("127.0.0.1:8080");
  REQUIRE(a);
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 8080);

  const auto edge = parse_listen_address("10.0.0.1:65535");
  REQUIRE(edge);
  CHECK(edge->port == 65535);
}

TEST_CASE("parse_listen_address reads a bracketed IPv6 host", "[unit][http]") {
  const auto a = parse_listen_address("[::1]:0");
  REQUIRE(a);
  CHECK(a->host == "::1");
  CHECK(a->port == 0);
}

TEST_CASE("parse_listen_address treats an empty host as all interfaces", "[unit][http]") {
  const auto a = parse_listen_address(":0");
  REQUIRE(a);
  CHECK(a->host == "0.0.0.0");
  CHECK(a->port == 0);
}

TEST_CASE("parse_listen_address rejects malformed addresses", "[unit][http]") {
  CHECK_FALSE(parse_listen_address("localhost"));      // no port
  CHECK_FALSE(parse_listen_address("1.2.3.4:70000"));  // port out of range
  CHECK_FALSE(parse_listen_address("1.2.3.4:65536"));
  CHECK_FALSE(parse_listen_address("abc:80"));      // not an IP address
  CHECK_FALSE(parse_listen_address("1.2.3.4:"));    // empty port
  CHECK_FALSE(parse_listen_address("1.2.3.4:8o"));  // trailing junk
  CHECK_FALSE(parse_listen_address("1.2.3.4:-1"));
  CHECK_FALSE(parse_listen_address("1.2.3.4"));
  CHECK_FALSE(parse_listen_address("[::1]"));  // bracketed, no port
  CHECK_FALSE(parse_listen_address("[::1]:"));
  CHECK_FALSE(parse_listen_address("999.1.1.1:80"));
  CHECK_FALSE(parse_listen_address(""));
}
