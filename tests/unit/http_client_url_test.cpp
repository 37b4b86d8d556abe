#include "shop/infra/http_client/url.hpp"

#include <catch2/catch.hpp>

using shop::infra::http_client::parse_url;
using shop::infra::http_client::Scheme;

TEST_CASE("parse_url takes http and https URLs apart", "[unit][http_client]") {
  auto url = parse_url("https://api.tosspayments.com/v1/payments/confirm");
  REQUIRE(url);
  CHECK(url->scheme == Scheme::kHttps);
  CHECK(url->host == "api.tosspayments.com");
  CHECK(url->port == 443);
  CHECK(url->target == "/v1/payments/confirm");
  CHECK(url->origin() == "https://api.tosspayments.com:443");
  CHECK(url->host_header() == "api.tosspayments.com");
  CHECK_FALSE(url->host_is_address());

  url = parse_url("HTTP://127.0.0.1:8081");
  REQUIRE(url);
  CHECK(url->scheme == Scheme::kHttp);
  CHECK(url->host == "127.0.0.1");
  CHECK(url->port == 8081);
  CHECK(url->target == "/");
  CHECK(url->host_header() == "127.0.0.1:8081");
  CHECK(url->host_is_address());

  url = parse_url("http://[::1]:9000/a?b=c&d=%20");
  REQUIRE(url);
  CHECK(url->host == "::1");
  CHECK(url->port == 9000);
  CHECK(url->target == "/a?b=c&d=%20");
  CHECK(url->origin() == "http://[::1]:9000");
  CHECK(url->host_header() == "[::1]:9000");
  CHECK(url->host_is_address());

  url = parse_url("http://Gateway.Example?x=1");
  REQUIRE(url);
  CHECK(url->host == "gateway.example");
  CHECK(url->target == "/?x=1");
  CHECK(url->host_header() == "gateway.example");
}

TEST_CASE("parse_url refuses what a client must not send", "[unit][http_client]") {
  for (const char* bad :
       {"", "ftp://host/", "//host/", "http://", "http://:80/", "http://user:pw@host/", "http://host:0/",
        "http://host:65536/", "http://host:x/", "http://host:/", "http://[::1/", "http://[nope]:80/",
        "http://host/a b", "http://host/a\r\nX: y", "http://host/#frag", "http://ho st/"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_url(bad));
  }
}
