#include "shop/infra/config/settings.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

namespace shop::infra::config {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

bool is_key(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_key_char(c)) return false;
  }
  return true;
}

[[noreturn]] void syntax_error(int line, std::string_view what) {
  throw ConfigError(fmt::format("config line {}: {}", line, what));
}

// Parses the value part of `key = value`, which may carry a trailing comment.
std::string parse_value(std::string_view raw, int line) {
  raw = trim(raw);
  if (raw.empty()) syntax_error(line, "missing value");
  if (raw.front() != '"') {
    const auto hash = raw.find('#');
    auto bare = trim(raw.substr(0, hash));
    if (bare.empty()) syntax_error(line, "missing value");
    return std::string(bare);
  }
  std::string out;
  std::size_t i = 1;
  for (; i < raw.size() && raw[i] != '"'; ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      const char next = raw[++i];
      switch (next) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        default:
          syntax_error(line, fmt::format("unknown escape \\{}", next));
      }
    } else {
      out += raw[i];
    }
  }
  if (i >= raw.size()) syntax_error(line, "unterminated string");
  const auto rest = trim(raw.substr(i + 1));
  if (!rest.empty() && rest.front() != '#') syntax_error(line, "unexpected text after string");
  return out;
}

}  // namespace

std::map<std::string, std::string> parse_config_text(std::string_view text) {
  std::map<std::string, std::string> out;
  std::string section;
  int line_no = 0;
  std::istringstream in{std::string(text)};
  for (std::string line_text; std::getline(in, line_text);) {
    ++line_no;
    const auto line = trim(line_text);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      const auto close = line.find(']');
      if (close == std::string_view::npos) syntax_error(line_no, "unterminated section header");
      const auto name = trim(line.substr(1, close - 1));
      if (!is_key(name)) syntax_error(line_no, "bad section name");
      const auto rest = trim(line.substr(close + 1));
      if (!rest.empty() && rest.front() != '#') syntax_error(line_no, "unexpected text after section");
      section = std::string(name);
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) syntax_error(line_no, "expected `key = value`");
    const auto key = trim(line.substr(0, eq));
    if (!is_key(key)) syntax_error(line_no, fmt::format("bad key '{}'", key));
    const auto full_key = section.empty() ? std::string(key) : section + "." + std::string(key);
    if (out.contains(full_key)) syntax_error(line_no, fmt::format("duplicate key '{}'", full_key));
    out[full_key] = parse_value(line.substr(eq + 1), line_no);
  }
  return out;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::chrono::milliseconds total{0};
  while (!text.empty()) {
    std::int64_t n = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || ptr == text.data() || n < 0) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(ptr - text.data()));
    std::int64_t unit_ms = 0;
    if (text.starts_with("ms")) {
      unit_ms = 1;
      text.remove_prefix(2);
    } else if (!text.empty()) {
      switch (text.front()) {
        case 's':
          unit_ms = 1000;
          break;
        case 'm':
          unit_ms = 60'000;
          break;
        case 'h':
          unit_ms = 3'600'000;
          break;
        case 'd':
          unit_ms = 86'400'000;
          break;
        default:
          return std::nullopt;
      }
      text.remove_prefix(1);
    } else {
      return std::nullopt;  // a bare number is ambiguous: demand a unit
    }
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    if (n > kMax / unit_ms || n * unit_ms > kMax - total.count()) return std::nullopt;
    total += std::chrono::milliseconds(n * unit_ms);
  }
  return total;
}

Settings Settings::load(std::span<const Knob> knobs, std::optional<std::string> file_path,
                        const EnvLookup& env) {
  Settings s;
  for (const Knob& knob : knobs) {
    s.env_names_.emplace(std::string(knob.key), std::string(knob.env));
    if (!knob.default_value.empty()) {
      s.values_[std::string(knob.key)] = {std::string(knob.default_value), "default"};
    }
  }
  if (file_path) {
    std::ifstream in(*file_path);
    if (!in) throw ConfigError(fmt::format("cannot read config file {}", *file_path));
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::map<std::string, std::string> entries;
    try {
      entries = parse_config_text(buffer.str());
    } catch (const ConfigError& e) {
      throw ConfigError(fmt::format("{}: {}", *file_path, e.what()));
    }
    for (auto& [key, text] : entries) {
      if (!s.env_names_.contains(key)) {
        throw ConfigError(fmt::format("{}: unknown key '{}' (see `shopd --help`)", *file_path, key));
      }
      s.values_[key] = {std::move(text), "file " + *file_path};
    }
  }
  for (const Knob& knob : knobs) {
    if (auto text = env(knob.env))
      s.values_[std::string(knob.key)] = {std::move(*text), "env " + std::string(knob.env)};
  }
  return s;
}

Settings::EnvLookup Settings::process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

bool Settings::has(std::string_view key) const {
  const auto it = values_.find(key);
  return it != values_.end() && !it->second.text.empty();
}

const Settings::Value& Settings::value(std::string_view key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) reject(key, "is required but not set");
  return it->second;
}

void Settings::reject(std::string_view key, std::string_view what) const {
  const auto env = env_names_.find(key);
  const auto it = values_.find(key);
  const std::string origin = it == values_.end() ? "" : fmt::format(", from {}", it->second.origin);
  throw ConfigError(fmt::format("config key {} (env {}){}: {}", key,
                                env == env_names_.end() ? "?" : env->second, origin, what));
}

std::string Settings::string(std::string_view key) const {
  return value(key).text;
}

std::int64_t Settings::integer(std::string_view key, std::int64_t min, std::int64_t max) const {
  const auto& text = value(key).text;
  std::int64_t n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || ptr != text.data() + text.size() || n < min || n > max) {
    reject(key, fmt::format("must be an integer from {} to {}, got '{}'", min, max, text));
  }
  return n;
}

bool Settings::boolean(std::string_view key) const {
  const auto& text = value(key).text;
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  reject(key, fmt::format("must be true or false, got '{}'", text));
}

std::chrono::milliseconds Settings::duration(std::string_view key, std::chrono::milliseconds min) const {
  const auto& text = value(key).text;
  const auto d = parse_duration(text);
  if (!d) reject(key, fmt::format("must be a duration such as 500ms, 2s, 5m or 1d, got '{}'", text));
  if (*d < min) reject(key, fmt::format("must be at least {}ms, got '{}'", min.count(), text));
  return *d;
}

}  // namespace shop::infra::config
