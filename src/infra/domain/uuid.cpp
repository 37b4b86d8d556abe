#include "shop/infra/domain/uuid.hpp"

namespace shop::infra::domain {

namespace {

// Not std::isxdigit: that consults the C locale for each character, and ids are checked on every
// request that names one.
bool hex_digit(char c) {
  const char lower = static_cast<char>(c | 0x20);
  return (c >= '0' && c <= '9') || (lower >= 'a' && lower <= 'f');
}

}  // namespace

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !hex_digit(text[i])) return false;
  }
  return true;
}

}  // namespace shop::infra::domain
