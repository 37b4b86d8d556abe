#include "shop/infra/http/client_address.hpp"

#include <fmt/format.h>
#include <strings.h>

#include <stdexcept>

namespace shop::infra::http {
namespace {

constexpr std::string_view kForwardedFor = "X-Forwarded-For";
constexpr unsigned kSubscriberPrefixBits = 64;

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Calls `visit` on each non-empty, trimmed element of a comma-separated list (RFC 9110 5.6.1:
// empty elements are ignored).
template <class Visit>
void for_each_list_element(std::string_view list, Visit visit) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto element = trim(list.substr(0, comma));
    if (!element.empty()) visit(element);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
}

}  // namespace

TrustedProxies TrustedProxies::parse(std::string_view list) {
  TrustedProxies trusted;
  for_each_list_element(list, [&](std::string_view entry) {
    auto network = IpNetwork::parse(entry);
    if (!network) {
      throw std::invalid_argument("'" + std::string(entry) +
                                  "' is not an IP address or a CIDR network with its host bits zero");
    }
    trusted.networks_.push_back(*network);
  });
  return trusted;
}

bool TrustedProxies::trusts(const IpAddress& address) const {
  for (const auto& network : networks_) {
    if (network.contains(address)) return true;
  }
  return false;
}

IpAddress client_address(const TrustedProxies& trusted, const IpAddress& peer, const Headers& headers) {
  if (!trusted.trusts(peer)) return peer;
  std::vector<std::string_view> hops;
  for (const auto& [name, value] : headers) {
    if (name.size() == kForwardedFor.size() &&
        strncasecmp(name.data(), kForwardedFor.data(), kForwardedFor.size()) == 0) {
      for_each_list_element(value, [&](std::string_view hop) { hops.push_back(hop); });
    }
  }
  IpAddress client = peer;
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    const auto address = IpAddress::parse(*hop);
    if (!address) break;
    client = *address;
    if (!trusted.trusts(client)) break;
  }
  return client;
}

std::string rate_limit_subject(const IpAddress& address) {
  if (address.is_v4()) return address.to_string();
  return fmt::format("{}/{}", address.with_prefix(kSubscriberPrefixBits).to_string(), kSubscriberPrefixBits);
}

std::string rate_limit_subject(std::string_view address) {
  const auto parsed = IpAddress::parse(address);
  return parsed ? rate_limit_subject(*parsed) : std::string(address);
}

}  // namespace shop::infra::http
