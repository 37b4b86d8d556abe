#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// IP addresses and networks as the HTTP edge compares them: client addresses, trusted proxies,
// per-address limits. IPv4 is held as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so one
// comparison serves both families and a dual-stack socket's mapped peer is the IPv4 address it is.
namespace shop::infra::http {

class IpAddress {
 public:
  using Bytes = std::array<std::uint8_t, 16>;

  // "192.0.2.1" or "2001:db8::1" (no brackets, port or zone); nullopt for anything else.
  static std::optional<IpAddress> parse(std::string_view text);
  // From the 16 bytes of an IPv6 address; an IPv4-mapped one becomes the IPv4 address.
  explicit IpAddress(const Bytes& v6_bytes) : bytes_(v6_bytes) {}

  bool is_v4() const;
  bool is_loopback() const;  // 127.0.0.0/8 or ::1
  // The address with every bit after the first `bits` (of the 128-bit form) cleared.
  IpAddress with_prefix(unsigned bits) const;
  // "192.0.2.1", "2001:db8::1" (RFC 5952 form).
  std::string to_string() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  Bytes bytes_;
};

// An address and how many of its leading bits count: "10.0.0.0/8", "2001:db8::/32", or a single
// address ("192.0.2.7" is 192.0.2.7/32).
class IpNetwork {
 public:
  // nullopt for a malformed address or prefix, and for host bits set ("10.0.0.1/8"), which is
  // usually a typo for a different network than the one meant.
  static std::optional<IpNetwork> parse(std::string_view text);

  bool contains(const IpAddress& address) const;

 private:
  IpNetwork(IpAddress base, unsigned prefix_bits) : base_(base), prefix_bits_(prefix_bits) {}

  IpAddress base_;
  unsigned prefix_bits_;  // of the 128-bit form, so an IPv4 /8 is 104
};

}  // namespace shop::infra::http
