#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Absolute http:// and https:// URLs, as a client sends them: where to connect and what to ask for.
namespace shop::infra::http_client {

enum class Scheme { kHttp, kHttps };

struct Url {
  Scheme scheme = Scheme::kHttp;
  std::string host;  // lower-case name, IPv4 address, or IPv6 address without its brackets
  std::uint16_t port = 80;
  std::string target = "/";  // path and query, as they go into the request line

  bool host_is_address() const;  // an IP literal: no SNI, the certificate must name the address
  // "https://api.example.com:8443" (the port always shown): the key for keep-alive reuse, and for logs.
  std::string origin() const;
  // The Host header: the host, with the port unless it is the scheme's default.
  std::string host_header() const;
};

// "https://api.tosspayments.com/v1/payments/confirm", "http://127.0.0.1:8081", "http://[::1]:80/x?y=1".
// nullopt for anything else: another scheme, user info, a fragment, an empty host, a port outside
// 1..65535, or spaces and control characters (which could split a request line or a header).
std::optional<Url> parse_url(std::string_view text);

}  // namespace shop::infra::http_client
