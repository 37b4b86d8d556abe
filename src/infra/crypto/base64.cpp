#include "shop/infra/crypto/base64.hpp"

#include "libsodium.hpp"

namespace shop::infra::crypto {
namespace {

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

std::optional<std::string> decode_base64url(std::string_view text) {
  return decode(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
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
