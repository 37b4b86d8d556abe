#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

// Rules for text a client or an operator types: its length in characters, which characters it may
// hold, and an optional further check. A module states each field's rule once, and the same rule
// serves the JSON reader of its routes and its own domain calls (a command-line tool, say).
namespace shop::infra::domain {

enum class Presence { kRequired, kOptional };

enum class TextKind {
  // Names, usernames, address lines, reasons: no control character at all (NUL, CR, LF, ESC, ...;
  // Unicode category Cc) and no bidirectional override or isolate (U+202A..U+202E, U+2066..U+2069),
  // which could make a name display as something it is not.
  kSingleLine,
  // Descriptions: as kSingleLine, but line feeds and tabs are allowed.
  kMultiLine,
  // Passwords and opaque tokens: any well-formed UTF-8. Such values are hashed or compared, never
  // shown or stored as text.
  kAny,
};

struct TextRule {
  std::size_t min = 0;  // in Unicode code points
  std::size_t max = 10'000;
  Presence presence = Presence::kRequired;
  // An extra check and the message when it fails, e.g. a pattern.
  std::function<bool(std::string_view)> check = {};
  std::string_view check_message = {};
  TextKind kind = TextKind::kSingleLine;
};

// Why `text` breaks `rule` ("must be 1 to 50 characters long"), or nullopt if it does not.
std::optional<std::string> text_error(std::string_view text, const TextRule& rule);

// Counts UTF-8 code points; nullopt if the text is not well-formed UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text);

// True if the text holds a character that TextKind forbids.
bool has_forbidden_character(std::string_view text, TextKind kind);

}  // namespace shop::infra::domain
