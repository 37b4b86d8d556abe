#include "shop/infra/domain/text_rule.hpp"

#include <fmt/format.h>

namespace shop::infra::domain {
namespace {

// Decodes the code point at text[i] of well-formed UTF-8 (checked before) and advances i.
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char c = byte(0);
  char32_t cp = 0;
  std::size_t len = 1;
  if (c < 0x80) {
    cp = c;
  } else if (c < 0xE0) {
    cp = c & 0x1Fu;
    len = 2;
  } else if (c < 0xF0) {
    cp = c & 0x0Fu;
    len = 3;
  } else {
    cp = c & 0x07u;
    len = 4;
  }
  for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (byte(k) & 0x3Fu);
  i += len;
  return cp;
}

bool forbidden(char32_t cp, TextKind kind) {
  if (kind == TextKind::kAny) return false;
  if (kind == TextKind::kMultiLine && (cp == U'\n' || cp == U'\t')) return false;
  const bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);  // Unicode category Cc
  const bool bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
  return control || bidi;
}

}  // namespace

std::optional<std::size_t> utf8_length(std::string_view text) {
  // Well-formed UTF-8 per RFC 3629 / Unicode table 3-7: no overlong forms, no surrogates, at most U+10FFFF.
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
    const unsigned char c = byte(0);
    std::size_t len = 0;
    unsigned char lo = 0x80;  // allowed range of the second byte
    unsigned char hi = 0xBF;
    if (c < 0x80) {
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return std::nullopt;
    }
    if (i + len > text.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      const unsigned char min = k == 1 ? lo : 0x80;
      const unsigned char max = k == 1 ? hi : 0xBF;
      if (byte(k) < min || byte(k) > max) return std::nullopt;
    }
    i += len;
  }
  return count;
}

bool has_forbidden_character(std::string_view text, TextKind kind) {
  for (std::size_t i = 0; i < text.size();) {
    if (forbidden(next_code_point(text, i), kind)) return true;
  }
  return false;
}

std::optional<std::string> text_error(std::string_view text, const TextRule& rule) {
  const auto length = utf8_length(text);
  if (!length) return "must be valid UTF-8";
  if (has_forbidden_character(text, rule.kind)) {
    return rule.kind == TextKind::kSingleLine
               ? "must not contain control characters or bidirectional overrides"
               : "must not contain control characters other than line feeds and tabs, or bidirectional "
                 "overrides";
  }
  if (*length < rule.min || *length > rule.max) {
    return rule.min == rule.max ? fmt::format("must be {} characters long", rule.min)
                                : fmt::format("must be {} to {} characters long", rule.min, rule.max);
  }
  if (rule.check && !rule.check(text)) return std::string(rule.check_message);
  return std::nullopt;
}

}  // namespace shop::infra::domain
