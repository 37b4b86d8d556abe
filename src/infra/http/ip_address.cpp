#include "shop/infra/http/ip_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <iterator>

namespace shop::infra::http {
namespace {

constexpr std::size_t kMappedPrefixBytes = 12;  // ::ffff:0:0/96
constexpr unsigned kMappedPrefixBits = kMappedPrefixBytes * 8;
constexpr IpAddress::Bytes kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton wants a terminated string; anything longer than the longest IPv6 text is not an address.
  char buffer[INET6_ADDRSTRLEN];
  if (text.empty() || text.size() >= sizeof buffer) return std::nullopt;
  std::copy(text.begin(), text.end(), buffer);
  buffer[text.size()] = '\0';
  Bytes bytes = kMappedPrefix;
  if (::inet_pton(AF_INET, buffer, bytes.data() + kMappedPrefixBytes) == 1) return IpAddress(bytes);
  if (::inet_pton(AF_INET6, buffer, bytes.data()) == 1) return IpAddress(bytes);
  return std::nullopt;
}

bool IpAddress::is_v4() const {
  return std::equal(kMappedPrefix.begin(), kMappedPrefix.begin() + kMappedPrefixBytes, bytes_.begin());
}

bool IpAddress::is_loopback() const {
  if (is_v4()) return bytes_[kMappedPrefixBytes] == 127;
  constexpr Bytes kV6Loopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return bytes_ == kV6Loopback;
}

std::string IpAddress::to_string() const {
  if (is_v4()) {
    // By hand: inet_ntop formats IPv4 through sprintf, a measurable share of a cached page's cost,
    // and the server writes every request's client address.
    std::string text;
    for (std::size_t i = kMappedPrefixBytes; i < bytes_.size(); ++i) {
      if (i > kMappedPrefixBytes) text += '.';
      char digits[3];
      const auto end = std::to_chars(std::begin(digits), std::end(digits), unsigned{bytes_[i]}).ptr;
      text.append(std::begin(digits), end);
    }
    return text;
  }
  char buffer[INET6_ADDRSTRLEN];
  ::inet_ntop(AF_INET6, bytes_.data(), buffer, sizeof buffer);
  return buffer;
}

IpAddress IpAddress::with_prefix(unsigned bits) const {
  Bytes kept = bytes_;
  for (unsigned bit = bits; bit < 128; ++bit) {
    kept[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  }
  return IpAddress(kept);
}

std::optional<IpNetwork> IpNetwork::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto address_text = text.substr(0, slash);
  const auto base = IpAddress::parse(address_text);
  if (!base) return std::nullopt;
  // The prefix counts in the notation's own family: "::ffff:10.0.0.0/104" is "10.0.0.0/8".
  const bool written_v6 = address_text.find(':') != std::string_view::npos;
  const unsigned family_bits = written_v6 ? 128 : 32;
  unsigned prefix = family_bits;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || prefix > family_bits)
      return std::nullopt;
  }
  if (!written_v6) prefix += kMappedPrefixBits;
  if (base->with_prefix(prefix) != *base) return std::nullopt;  // host bits set
  return IpNetwork(*base, prefix);
}

bool IpNetwork::contains(const IpAddress& address) const {
  return address.with_prefix(prefix_bits_) == base_;
}

}  // namespace shop::infra::http
