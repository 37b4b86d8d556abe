#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Fixed-width integers in our binary formats (ciphertext header, token payload) are big-endian,
// independent of the machine that wrote them.
namespace shop::infra::crypto {

template <class UInt>
void append_big_endian(std::string& out, UInt value) {
  for (std::size_t i = sizeof(UInt); i-- > 0;) {
    out.push_back(static_cast<char>(static_cast<unsigned char>(value >> (8 * i))));
  }
}

// Reads sizeof(UInt) bytes from the front of `in` and drops them; nullopt if `in` is too short.
template <class UInt>
std::optional<UInt> take_big_endian(std::string_view& in) {
  if (in.size() < sizeof(UInt)) return std::nullopt;
  UInt value = 0;
  for (std::size_t i = 0; i < sizeof(UInt); ++i) {
    value = static_cast<UInt>((value << 8) | static_cast<unsigned char>(in[i]));
  }
  in.remove_prefix(sizeof(UInt));
  return value;
}

}  // namespace shop::infra::crypto
