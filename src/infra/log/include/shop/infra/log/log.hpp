#pragma once

#include <fmt/format.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

// Structured logs in logfmt: `ts=... level=info module=http msg="..." key=value ...`, one line per
// call, written with a single write(2) so concurrent lines never interleave. Never log personal data.
namespace shop::infra::log {

enum class Level { kDebug, kInfo, kWarn, kError };

std::optional<Level> parse_level(std::string_view text);
void set_level(Level level);
bool enabled(Level level);

struct Field {
  template <class T>
  Field(std::string_view k, const T& v) : key(k), value(fmt::to_string(v)) {}
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}

  std::string_view key;
  std::string value;
};

// The line write() would print, newline included.
std::string format_line(Level level, std::string_view module, std::string_view msg,
                        std::initializer_list<Field> fields = {});
void write(Level level, std::string_view module, std::string_view msg,
           std::initializer_list<Field> fields = {});

inline void debug(std::string_view module, std::string_view msg, std::initializer_list<Field> fields = {}) {
  if (enabled(Level::kDebug)) write(Level::kDebug, module, msg, fields);
}
inline void info(std::string_view module, std::string_view msg, std::initializer_list<Field> fields = {}) {
  write(Level::kInfo, module, msg, fields);
}
inline void warn(std::string_view module, std::string_view msg, std::initializer_list<Field> fields = {}) {
  write(Level::kWarn, module, msg, fields);
}
inline void error(std::string_view module, std::string_view msg, std::initializer_list<Field> fields = {}) {
  write(Level::kError, module, msg, fields);
}

}  // namespace shop::infra::log
