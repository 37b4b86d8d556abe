#include "shop/infra/config/settings.hpp"

#include "temp_file.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

using Catch::Matchers::Contains;
using shop::infra::config::ConfigError;
using shop::infra::config::Knob;
using shop::infra::config::Settings;
using shop::unit::TempFile;
using namespace std::chrono_literals;

namespace {

constexpr Knob kKnobs[] = {
    {"name", "TEST_NAME", "from-default", "a string"},
    {"server.port", "TEST_PORT", "8080", "an integer"},
    {"server.verbose", "TEST_VERBOSE", "false", "a boolean"},
    {"server.timeout", "TEST_TIMEOUT", "15s", "a duration"},
    {"server.optional", "TEST_OPTIONAL", "", "no default"},
};

Settings::EnvLookup env_of(std::map<std::string, std::string, std::less<>> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Settings load(std::optional<std::string> file, std::map<std::string, std::string, std::less<>> env = {}) {
  return Settings::load(kKnobs, std::move(file), env_of(std::move(env)));
}

std::string config_error(auto&& fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("Settings uses knob defaults without file or environment", "[unit][config]") {
  const auto s = load(std::nullopt);
  CHECK(s.string("name") == "from-default");
  CHECK(s.integer("server.port", 1, 65535) == 8080);
  CHECK_FALSE(s.boolean("server.verbose"));
  CHECK(s.duration("server.timeout") == 15s);
  CHECK(s.has("name"));
  CHECK_FALSE(s.has("server.optional"));
}

TEST_CASE("Settings layers file over defaults and environment over file", "[unit][config]") {
  const TempFile file("name = \"from-file\"\n[server]\nport = 9000\nverbose = true\n");
  const auto from_file = load(file.path());
  CHECK(from_file.string("name") == "from-file");
  CHECK(from_file.integer("server.port", 1, 65535) == 9000);
  CHECK(from_file.boolean("server.verbose"));
  CHECK(from_file.duration("server.timeout") == 15s);  // not in the file: still the default

  const auto from_env = load(file.path(), {{"TEST_PORT", "9100"}, {"TEST_OPTIONAL", "set"}});
  CHECK(from_env.integer("server.port", 1, 65535) == 9100);
  CHECK(from_env.string("name") == "from-file");
  CHECK(from_env.has("server.optional"));
  CHECK(from_env.string("server.optional") == "set");
}

TEST_CASE("Settings looks up each knob's environment variable by its name", "[unit][config]") {
  const auto s = load(std::nullopt, {{"TEST_NAME", "from-env"}, {"name", "wrong"}, {"SERVER_PORT", "1"}});
  CHECK(s.string("name") == "from-env");
  CHECK(s.integer("server.port", 1, 65535) == 8080);
}

TEST_CASE("Settings refuses a file key no knob declares, naming it", "[unit][config]") {
  const TempFile file("[server]\nprot = 9000\n");
  const auto message = config_error([&] { load(file.path()); });
  CHECK_THAT(message, Contains("unknown key 'server.prot'"));
  CHECK_THAT(message, Contains(file.path()));
}

TEST_CASE("Settings reports a syntax error with the file and line", "[unit][config]") {
  const TempFile file("name = \"x\"\n[server]\nport = \"open\n");
  const auto message = config_error([&] { load(file.path()); });
  CHECK_THAT(message, Contains(file.path()) && Contains("line 3:"));
}

TEST_CASE("Settings refuses a config file it cannot read", "[unit][config]") {
  CHECK_THROWS_AS(load(std::string("/nonexistent/shopd-unit/none.toml")), ConfigError);
}

TEST_CASE("Settings::integer enforces the range and names key, env var and origin", "[unit][config]") {
  const TempFile file("[server]\nport = 70000\n");
  const auto from_file = load(file.path());
  const auto message = config_error([&] { from_file.integer("server.port", 1, 65535); });
  CHECK_THAT(message, Contains("server.port") && Contains("TEST_PORT") && Contains("file " + file.path()) &&
                          Contains("70000"));

  const auto from_env = load(std::nullopt, {{"TEST_PORT", "12abc"}});
  const auto env_message = config_error([&] { from_env.integer("server.port", 1, 65535); });
  CHECK_THAT(env_message, Contains("server.port") && Contains("env TEST_PORT") && Contains("12abc"));

  const auto low = load(std::nullopt, {{"TEST_PORT", "0"}});
  CHECK_THROWS_AS(low.integer("server.port", 1, 65535), ConfigError);
  const auto edge = load(std::nullopt, {{"TEST_PORT", "65535"}});
  CHECK(edge.integer("server.port", 1, 65535) == 65535);
  const auto negative = load(std::nullopt, {{"TEST_PORT", "-5"}});
  CHECK(negative.integer("server.port", -10, 10) == -5);
  const auto defaulted = load(std::nullopt);
  CHECK_THAT(config_error([&] { defaulted.integer("server.port", 1, 100); }), Contains("from default"));
}

TEST_CASE("Settings::boolean accepts true/false, 1/0, yes/no only", "[unit][config]") {
  for (const auto* yes : {"true", "1", "yes"}) {
    CHECK(load(std::nullopt, {{"TEST_VERBOSE", yes}}).boolean("server.verbose"));
  }
  for (const auto* no : {"false", "0", "no"}) {
    CHECK_FALSE(load(std::nullopt, {{"TEST_VERBOSE", no}}).boolean("server.verbose"));
  }
  const auto bad = load(std::nullopt, {{"TEST_VERBOSE", "maybe"}});
  CHECK_THAT(config_error([&] { bad.boolean("server.verbose"); }),
             Contains("server.verbose") && Contains("env TEST_VERBOSE") && Contains("maybe"));
}

TEST_CASE("Settings::duration parses and enforces the minimum", "[unit][config]") {
  CHECK(load(std::nullopt, {{"TEST_TIMEOUT", "1m30s"}}).duration("server.timeout") == 90s);

  const auto bad = load(std::nullopt, {{"TEST_TIMEOUT", "soon"}});
  CHECK_THAT(config_error([&] { bad.duration("server.timeout"); }),
             Contains("server.timeout") && Contains("env TEST_TIMEOUT") && Contains("soon"));

  const auto short_one = load(std::nullopt, {{"TEST_TIMEOUT", "50ms"}});
  CHECK(short_one.duration("server.timeout", 50ms) == 50ms);
  CHECK_THAT(config_error([&] { short_one.duration("server.timeout", 100ms); }),
             Contains("server.timeout") && Contains("TEST_TIMEOUT") && Contains("100ms"));
}

TEST_CASE("Settings says which key is required and unset", "[unit][config]") {
  const auto s = load(std::nullopt);
  CHECK_THAT(config_error([&] { s.string("server.optional"); }),
             Contains("server.optional") && Contains("TEST_OPTIONAL") && Contains("required"));
}

TEST_CASE("Settings::reject names the key, env var and origin with the reason", "[unit][config]") {
  const auto s = load(std::nullopt, {{"TEST_NAME", "bob"}});
  CHECK_THAT(config_error([&] { s.reject("name", "must not be bob"); }),
             Contains("name") && Contains("env TEST_NAME") && Contains("must not be bob"));
}
