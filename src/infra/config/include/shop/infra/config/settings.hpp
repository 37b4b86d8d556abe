#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

// Configuration: every knob has a dotted key in the config file and an environment variable that
// overrides it. Values are validated when read; a bad one throws ConfigError naming the key and
// where its value came from, so the process can stop with a message an operator can act on.
namespace shop::infra::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Knob {
  std::string_view key;            // "server.listen": `[server]` section, `listen = ...` in the file
  std::string_view env;            // "SHOPD_LISTEN"
  std::string_view default_value;  // as it would be written in the file; empty means unset
  std::string_view help;
};

// Parses the TOML subset our config file uses: `[section]`, `key = "string" | integer | bool | bare`,
// `#` comments. Returns dotted keys. Throws ConfigError with the line number on a syntax error.
std::map<std::string, std::string> parse_config_text(std::string_view text);

// "500ms", "2s", "5m", "1h", "1d" (also combined like "1m30s").
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

class Settings {
 public:
  using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

  // Layers, lowest first: knob defaults, the file (if any), the environment. A key in the file
  // that no knob declares is an error, so a typo never silently keeps a default.
  static Settings load(std::span<const Knob> knobs, std::optional<std::string> file_path,
                       const EnvLookup& env);
  static EnvLookup process_env();

  bool has(std::string_view key) const;
  std::string string(std::string_view key) const;
  std::int64_t integer(std::string_view key, std::int64_t min, std::int64_t max) const;
  bool boolean(std::string_view key) const;
  std::chrono::milliseconds duration(std::string_view key, std::chrono::milliseconds min = {}) const;
  // Throws ConfigError naming the key with `what` as the reason; for checks only the caller knows.
  [[noreturn]] void reject(std::string_view key, std::string_view what) const;

 private:
  struct Value {
    std::string text;
    std::string origin;  // "default", "file config/shopd.toml", "env SHOPD_LISTEN"
  };
  const Value& value(std::string_view key) const;

  std::map<std::string, Value, std::less<>> values_;
  std::map<std::string, std::string, std::less<>> env_names_;
};

}  // namespace shop::infra::config
