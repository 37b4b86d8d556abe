#include "shop/infra/crypto/base64.hpp"

#include "libsodium.hpp"

#include <array>
#include <cstdint>

namespace shop::infra::crypto {
namespace {

// The URL-safe alphabet's value of each byte, -1 for a byte outside it.
constexpr std::array<std::int8_t, 256> kUrlValues = [] {
  std::array<std::int8_t, 256> values{};
  values.fill(-1);
  for (int i = 0; i < 26; ++i) {
    values['A' + i] = static_cast<std::int8_t>(i);
    values['a' + i] = static_cast<std::int8_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i) values['0' + i] = static_cast<std::int8_t>(52 + i);
  values['-'] = 62;
  values['_'] = 63;
  return values;
}();

std::string encode(std::string_view bytes, int variant) {
  init_sodium();
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes_of(bytes), bytes.size(), variant);
  out.pop_back();  // the terminating NUL sodium writes
  return out;
}

std::optional<std::string> decode(std::string_view text, int variant) {
  init_sodium();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t length = 0;
  // No characters are ignored and the whole text must be consumed (b64_end is null).
  if (sodium_base642bin(bytes_of(out), out.size(), text.data(), text.size(), nullptr, &length, nullptr,
                        variant) != 0) {
    wipe(out);
    return std::nullopt;
  }
  out.resize(length);
  // Only the canonical spelling is accepted: unused low bits of the last character must be zero.
  // Both strings may hold key material, so they are wiped when not handed back.
  std::string canonical = encode(out, variant);
  const bool is_canonical = canonical == text;
  wipe(canonical);
  if (!is_canonical) {
    wipe(out);
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::string encode_base64url(std::string_view bytes) {
  return encode(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

// Decoded directly, four characters at a time, with the canonical check on the last character's
// unused bits instead of encoding the result again: this runs on every signed-in request. Unlike
// sodium's decoder it is not constant-time; what it decodes (tokens, cursors) comes from the client,
// who knows it already.
std::optional<std::string> decode_base64url(std::string_view text) {
  const std::size_t tail = text.size() % 4;
  if (tail == 1) return std::nullopt;  // six bits cannot end a byte
  std::string out(text.size() / 4 * 3 + (tail == 0 ? 0 : tail - 1), '\0');
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  char* to = out.data();
  const std::size_t whole = text.size() - tail;
  for (std::size_t i = 0; i < whole; i += 4, to += 3) {
    const int a = kUrlValues[in[i]], b = kUrlValues[in[i + 1]], c = kUrlValues[in[i + 2]],
              d = kUrlValues[in[i + 3]];
    if ((a | b | c | d) < 0) return std::nullopt;
    const auto bits = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6 | d);
    to[0] = static_cast<char>(bits >> 16);
    to[1] = static_cast<char>(bits >> 8);
    to[2] = static_cast<char>(bits);
  }
  if (tail != 0) {
    const int a = kUrlValues[in[whole]], b = kUrlValues[in[whole + 1]];
    const int c = tail == 3 ? kUrlValues[in[whole + 2]] : 0;
    if ((a | b | c) < 0) return std::nullopt;
    const auto bits = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6);
    // Canonical: the bits past the last whole byte are zero (so "Zh" is not a second "Zg").
    if ((bits & (tail == 2 ? 0xffffU : 0xffU)) != 0) return std::nullopt;
    to[0] = static_cast<char>(bits >> 16);
    if (tail == 3) to[1] = static_cast<char>(bits >> 8);
  }
  return out;
}

std::string encode_base64(std::string_view bytes) {
  return encode(bytes, sodium_base64_VARIANT_ORIGINAL);
}

std::optional<std::string> decode_base64(std::string_view text) {
  return decode(text, sodium_base64_VARIANT_ORIGINAL);
}

std::string encode_hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes_of(bytes), bytes.size());
  out.pop_back();
  return out;
}

std::optional<std::string> decode_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out(text.size() / 2, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(bytes_of(out), out.size(), text.data(), text.size(), nullptr, &length, &end) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace shop::infra::crypto
