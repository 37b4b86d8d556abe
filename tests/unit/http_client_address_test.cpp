#include "shop/infra/http/client_address.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using Catch::Matchers::Contains;
using shop::infra::http::client_address;
using shop::infra::http::Headers;
using shop::infra::http::IpAddress;
using shop::infra::http::IpNetwork;
using shop::infra::http::rate_limit_subject;
using shop::infra::http::TrustedProxies;

namespace {

IpAddress ip(std::string_view text) {
  const auto address = IpAddress::parse(text);
  REQUIRE(address);
  return *address;
}

bool in(std::string_view network, std::string_view address) {
  const auto parsed = IpNetwork::parse(network);
  REQUIRE(parsed);
  return parsed->contains(ip(address));
}

// The client a request from `peer` with these X-Forwarded-For fields is taken for.
std::string client(std::string_view trusted, std::string_view peer, const std::vector<std::string>& xff) {
  Headers headers{{"Host", "shop.example"}};
  for (const auto& value : xff) headers.emplace_back("X-Forwarded-For", value);
  return client_address(TrustedProxies::parse(trusted), ip(peer), headers).to_string();
}

}  // namespace

TEST_CASE("IpAddress reads IPv4 and IPv6 text and writes the canonical form", "[unit][http][proxy]") {
  CHECK(ip("192.0.2.1").to_string() == "192.0.2.1");
  CHECK(ip("0.0.0.0").to_string() == "0.0.0.0");
  CHECK(ip("255.10.100.7").to_string() == "255.10.100.7");
  CHECK(ip("192.0.2.1").is_v4());
  CHECK(ip("2001:DB8:0:0:0:0:0:1").to_string() == "2001:db8::1");
  CHECK_FALSE(ip("2001:db8::1").is_v4());
  // A dual-stack socket's mapped peer is the IPv4 address it stands for.
  CHECK(ip("::ffff:192.0.2.1") == ip("192.0.2.1"));
  CHECK(ip("::ffff:192.0.2.1").to_string() == "192.0.2.1");
  CHECK(ip("127.9.8.7").is_loopback());
  CHECK(ip("::1").is_loopback());
  CHECK_FALSE(ip("128.0.0.1").is_loopback());
  CHECK_FALSE(ip("::2").is_loopback());
  for (const char* bad : {"", "unknown", "192.0.2", "192.0.2.256", "192.0.2.1:80", "[::1]", "::1]",
                          " 192.0.2.1", "2001:db8::1/64", "_hidden", "2001:db8:::1"}) {
    INFO(bad);
    CHECK_FALSE(IpAddress::parse(bad));
  }
}

TEST_CASE("IpNetwork reads CIDR notation and single addresses", "[unit][http][proxy]") {
  CHECK(in("10.0.0.0/8", "10.255.1.2"));
  CHECK_FALSE(in("10.0.0.0/8", "11.0.0.1"));
  CHECK(in("192.168.4.0/22", "192.168.7.255"));
  CHECK_FALSE(in("192.168.4.0/22", "192.168.8.0"));
  CHECK(in("192.0.2.7", "192.0.2.7"));  // a single address is its /32
  CHECK_FALSE(in("192.0.2.7", "192.0.2.8"));
  CHECK(in("0.0.0.0/0", "203.0.113.9"));
  CHECK_FALSE(in("0.0.0.0/0", "2001:db8::1"));  // an IPv4 network holds no IPv6 address
  CHECK(in("2001:db8::/32", "2001:db8:ffff::1"));
  CHECK_FALSE(in("2001:db8::/32", "2001:db9::1"));
  CHECK(in("2001:db8:0:100::/57", "2001:db8:0:17f::1"));
  CHECK_FALSE(in("2001:db8:0:100::/57", "2001:db8:0:180::1"));
  CHECK(in("::1", "::1"));
  CHECK(in("::ffff:10.0.0.0/104", "10.1.2.3"));  // the mapped form of 10.0.0.0/8
  for (const char* bad : {"10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/8x", "10.0.0.0/-1",
                          "10.0.0.0/+8", "10.0.0.1/8", "2001:db8::1/64", "localhost", "10.0.0.0/8/8"}) {
    INFO(bad);
    CHECK_FALSE(IpNetwork::parse(bad));
  }
}

TEST_CASE("TrustedProxies reads a comma-separated list and names a bad entry", "[unit][http][proxy]") {
  CHECK(TrustedProxies::parse("").empty());
  CHECK(TrustedProxies::parse(" , ").empty());
  const auto trusted = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,");
  CHECK(trusted.trusts(ip("10.1.1.1")));
  CHECK(trusted.trusts(ip("192.0.2.7")));
  CHECK(trusted.trusts(ip("2001:db8::5")));
  CHECK_FALSE(trusted.trusts(ip("192.0.2.8")));
  CHECK_THROWS_AS(TrustedProxies::parse("10.0.0.0/8, proxy.internal"), std::invalid_argument);
  CHECK_THROWS_WITH(TrustedProxies::parse("10.0.0.0/8, 10.0.0.1/8"), Contains("'10.0.0.1/8'"));
}

TEST_CASE("Without trusted proxies X-Forwarded-For is ignored", "[unit][http][proxy]") {
  CHECK(client("", "198.51.100.4", {"203.0.113.9"}) == "198.51.100.4");
  CHECK(client("", "2001:db8::4", {"203.0.113.9"}) == "2001:db8::4");
  // A peer that is not trusted is the client even when proxies are configured.
  CHECK(client("10.0.0.0/8", "198.51.100.4", {"203.0.113.9"}) == "198.51.100.4");
}

TEST_CASE("The client is the right-most address that is not a trusted proxy", "[unit][http][proxy]") {
  const std::string proxies = "10.0.0.0/8, 2001:db8:ffff::/48";
  CHECK(client(proxies, "10.0.0.1", {"203.0.113.9"}) == "203.0.113.9");
  // What the client wrote itself stands left of what the proxy appended, and is not believed.
  CHECK(client(proxies, "10.0.0.1", {"198.51.100.66, 203.0.113.9"}) == "203.0.113.9");
  // Through two trusted proxies.
  CHECK(client(proxies, "10.0.0.1", {"1.1.1.1, 203.0.113.9, 10.9.9.9"}) == "203.0.113.9");
  CHECK(client(proxies, "2001:db8:ffff::1", {"2001:db8:1::5"}) == "2001:db8:1::5");
  // Every field counts, in order, as one list.
  CHECK(client(proxies, "10.0.0.1", {"1.1.1.1", "203.0.113.9, 10.2.2.2"}) == "203.0.113.9");
  CHECK(client(proxies, "10.0.0.1", {"203.0.113.9", "10.2.2.2"}) == "203.0.113.9");
  // Only trusted hops: the left-most one is as far as anyone can see.
  CHECK(client(proxies, "10.0.0.1", {"10.3.3.3, 10.2.2.2"}) == "10.3.3.3");
  // A trusted proxy that forwards for nobody is the client.
  CHECK(client(proxies, "10.0.0.1", {}) == "10.0.0.1");
  CHECK(client(proxies, "10.0.0.1", {" , "}) == "10.0.0.1");
  // A mapped IPv4 entry is the IPv4 address.
  CHECK(client(proxies, "10.0.0.1", {"::ffff:203.0.113.9"}) == "203.0.113.9");
}

TEST_CASE("A malformed X-Forwarded-For entry stops the walk at the last trusted hop", "[unit][http][proxy]") {
  const std::string proxies = "10.0.0.0/8";
  CHECK(client(proxies, "10.0.0.1", {"unknown"}) == "10.0.0.1");
  CHECK(client(proxies, "10.0.0.1", {"203.0.113.9, garbage, 10.2.2.2"}) == "10.2.2.2");
  CHECK(client(proxies, "10.0.0.1", {"203.0.113.9:4711"}) == "10.0.0.1");  // ports are not addresses
  CHECK(client(proxies, "10.0.0.1", {"[2001:db8::1]"}) == "10.0.0.1");
  // Right of the malformed entry, the first untrusted address still wins.
  CHECK(client(proxies, "10.0.0.1", {"garbage, 203.0.113.9"}) == "203.0.113.9");
}

TEST_CASE("Per-address limits count an IPv4 client by its address and an IPv6 one by its /64",
          "[unit][http][proxy]") {
  CHECK(rate_limit_subject(ip("203.0.113.9")) == "203.0.113.9");
  CHECK(rate_limit_subject(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")) == "2001:db8:1:2::/64");
  CHECK(rate_limit_subject(ip("2001:db8:1:2::1")) == rate_limit_subject(ip("2001:db8:1:2:ffff::9")));
  CHECK(rate_limit_subject(ip("2001:db8:1:2::1")) != rate_limit_subject(ip("2001:db8:1:3::1")));
  CHECK(rate_limit_subject(ip("::1")) == "::/64");
  CHECK(rate_limit_subject("::ffff:203.0.113.9") == "203.0.113.9");
  CHECK(rate_limit_subject("2001:db8:1:2::1") == "2001:db8:1:2::/64");
  CHECK(rate_limit_subject("not an address") == "not an address");
}
