#include "shop/infra/log/log.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>

namespace shop::infra::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};

constexpr std::string_view level_name(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

// Values are quoted when they hold a space, '=', a quote, a backslash or a control byte; inside
// quotes every byte below 0x20 and 0x7F (DEL) is escaped, so a value from a request (a path with
// %0D%0A or %1B in it) can neither start a forged line nor reach a terminal as an escape sequence.
void append_value(std::string& out, std::string_view value) {
  const bool needs_quotes = value.empty() || std::any_of(value.begin(), value.end(), [](char c) {
                              return c == ' ' || c == '=' || c == '"' || c == '\\' || is_control(c);
                            });
  if (!needs_quotes) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (is_control(c)) {
          fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_timestamp(std::string& out) {
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

}  // namespace

std::optional<Level> parse_level(std::string_view text) {
  for (Level level : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (text == level_name(level)) return level;
  }
  return std::nullopt;
}

void set_level(Level level) {
  g_level.store(level, std::memory_order_relaxed);
}

bool enabled(Level level) {
  return level >= g_level.load(std::memory_order_relaxed);
}

std::string format_line(Level level, std::string_view module, std::string_view msg,
                        std::initializer_list<Field> fields) {
  std::string line;
  line.reserve(160);
  line += "ts=";
  append_timestamp(line);
  line += " level=";
  line += level_name(level);
  line += " module=";
  append_value(line, module);
  line += " msg=";
  append_value(line, msg);
  for (const Field& field : fields) {
    line += ' ';
    line += field.key;
    line += '=';
    append_value(line, field.value);
  }
  line += '\n';
  return line;
}

void write(Level level, std::string_view module, std::string_view msg, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  const std::string line = format_line(level, module, msg, fields);
  // One write(2) per line: lines from several threads never interleave.
  const char* data = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, data, left);
    if (n <= 0) break;
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace shop::infra::log
