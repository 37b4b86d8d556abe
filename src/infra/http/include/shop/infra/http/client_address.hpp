#pragma once

#include "shop/infra/http/ip_address.hpp"
#include "shop/infra/http/message.hpp"

#include <string>
#include <string_view>
#include <vector>

// Who a request comes from when proxies stand in between, and what per-address limits count.
namespace shop::infra::http {

// The proxies whose X-Forwarded-For is believed. Empty (the default) believes nobody: the socket
// peer is the client, whatever the header says.
class TrustedProxies {
 public:
  TrustedProxies() = default;
  // "10.0.0.0/8, 192.0.2.7, 2001:db8::/32": addresses or CIDR networks separated by commas; empty
  // entries are skipped. Throws std::invalid_argument naming the first entry that is neither.
  static TrustedProxies parse(std::string_view list);

  bool empty() const { return networks_.empty(); }
  bool trusts(const IpAddress& address) const;

 private:
  std::vector<IpNetwork> networks_;
};

// The client of a request: walking from the socket peer leftwards through the X-Forwarded-For
// entries (all such header fields, in order), the first address that is not a trusted proxy. Each
// trusted hop vouches only for the entry it appended, so the walk stops at the first untrusted one;
// a client cannot make itself someone else by sending the header. A malformed entry also stops the
// walk, at the last trusted hop: what lies beyond it cannot be read. If every hop is trusted, the
// left-most entry is the client.
IpAddress client_address(const TrustedProxies& trusted, const IpAddress& peer, const Headers& headers);

// What a per-address limit counts for `address`: the address itself for IPv4, its /64 for IPv6
// ("2001:db8:1:2::/64"), since one IPv6 subscriber usually holds a whole /64 and could otherwise
// take a fresh address for every attempt. Text that is not an IP address is returned as it is.
std::string rate_limit_subject(const IpAddress& address);
std::string rate_limit_subject(std::string_view address);

}  // namespace shop::infra::http
