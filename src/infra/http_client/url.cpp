#include "shop/infra/http_client/url.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace shop::infra::http_client {
namespace {

bool starts_with_no_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(),
                    [](char p, char t) { return std::tolower(static_cast<unsigned char>(t)) == p; });
}

bool is_ipv6(const std::string& host) {
  in6_addr address{};
  return ::inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

bool is_ipv4(const std::string& host) {
  in_addr address{};
  return ::inet_pton(AF_INET, host.c_str(), &address) == 1;
}

// Letters, digits, '-', '.' and '_' (seen in internal names): enough for DNS names and IPv4.
bool plain_host(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

// RFC 3986 allows these in a path or query; anything else (space, control, '#', '"', '<', ...) is refused
// rather than sent, since it could never have been meant.
bool target_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalnum(u)) return true;
  return std::string_view("-._~!$&'()*+,;=:@/?%[]").find(c) != std::string_view::npos;
}

std::uint16_t default_port(Scheme scheme) {
  return scheme == Scheme::kHttps ? 443 : 80;
}

}  // namespace

bool Url::host_is_address() const {
  return is_ipv4(host) || is_ipv6(host);
}

std::string Url::origin() const {
  const bool v6 = host.find(':') != std::string::npos;
  return fmt::format("{}://{}{}{}:{}", scheme == Scheme::kHttps ? "https" : "http", v6 ? "[" : "", host,
                     v6 ? "]" : "", port);
}

std::string Url::host_header() const {
  const std::string bracketed = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port == default_port(scheme) ? bracketed : fmt::format("{}:{}", bracketed, port);
}

std::optional<Url> parse_url(std::string_view text) {
  Url url;
  if (starts_with_no_case(text, "https://")) {
    url.scheme = Scheme::kHttps;
    text.remove_prefix(8);
  } else if (starts_with_no_case(text, "http://")) {
    url.scheme = Scheme::kHttp;
    text.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const auto authority_end = text.find_first_of("/?#");
  std::string_view authority = text.substr(0, authority_end);
  std::string_view rest = authority_end == std::string_view::npos ? "" : text.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;

  std::optional<std::string_view> port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host = std::string(authority.substr(1, close - 1));
    if (!is_ipv6(url.host)) return std::nullopt;
    const auto after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return std::nullopt;
    if (!after.empty()) port = after.substr(1);
  } else {
    const auto colon = authority.rfind(':');
    const auto host = authority.substr(0, colon);
    if (!plain_host(host)) return std::nullopt;
    url.host = std::string(host);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  std::transform(url.host.begin(), url.host.end(), url.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });

  url.port = default_port(url.scheme);
  if (port) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port->data(), port->data() + port->size(), value);
    if (port->empty() || ec != std::errc{} || end != port->data() + port->size() || value == 0 ||
        value > 65535)
      return std::nullopt;
    url.port = static_cast<std::uint16_t>(value);
  }

  if (rest.find('#') != std::string_view::npos) return std::nullopt;
  if (!std::all_of(rest.begin(), rest.end(), target_char)) return std::nullopt;
  url.target = rest.empty() ? "/" : rest.starts_with('?') ? "/" + std::string(rest) : std::string(rest);
  return url;
}

}  // namespace shop::infra::http_client
