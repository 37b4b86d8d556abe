#include "shop/infra/config/settings.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <string_view>

using Catch::Matchers::Contains;
using shop::infra::config::ConfigError;
using shop::infra::config::parse_config_text;
using shop::infra::config::parse_duration;
using namespace std::chrono_literals;

namespace {

// The message of the ConfigError parse_config_text throws, or "no error".
std::string syntax_error(std::string_view text) {
  try {
    parse_config_text(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("parse_config_text turns sections into dotted keys", "[unit][config]") {
  const auto entries = parse_config_text(R"(# shopd configuration
env = "production"

[server]
listen = "127.0.0.1:9000"   # trailing comment after a string
io_threads = 4 # trailing comment after a bare value
  access_log = false

[ database ]  # a comment after the header
url = "postgresql://shop@db/shop"
)");
  CHECK(entries.size() == 5);
  CHECK(entries.at("env") == "production");
  CHECK(entries.at("server.listen") == "127.0.0.1:9000");
  CHECK(entries.at("server.io_threads") == "4");
  CHECK(entries.at("server.access_log") == "false");
  CHECK(entries.at("database.url") == "postgresql://shop@db/shop");
}

TEST_CASE("parse_config_text unescapes quoted strings and keeps # inside them", "[unit][config]") {
  const auto entries = parse_config_text(R"(quote = "say \"hi\""
backslash = "C:\\dir"
controls = "a\nb\tc"
hash = "not # a comment"  # but this is
empty = ""
)");
  CHECK(entries.at("quote") == "say \"hi\"");
  CHECK(entries.at("backslash") == "C:\\dir");
  CHECK(entries.at("controls") == "a\nb\tc");
  CHECK(entries.at("hash") == "not # a comment");
  CHECK(entries.at("empty").empty());
}

TEST_CASE("parse_config_text allows the same key in different sections", "[unit][config]") {
  const auto entries = parse_config_text("[a]\nx = 1\n[b]\nx = 2\n");
  CHECK(entries.at("a.x") == "1");
  CHECK(entries.at("b.x") == "2");
}

TEST_CASE("parse_config_text accepts comments, blank lines and CRLF", "[unit][config]") {
  const auto entries = parse_config_text("# only\r\n\r\n   # indented comment\r\nkey = value\r\n");
  CHECK(entries.size() == 1);
  CHECK(entries.at("key") == "value");
  CHECK(parse_config_text("").empty());
}

TEST_CASE("parse_config_text reports syntax errors with their line number", "[unit][config]") {
  SECTION("unterminated string") {
    CHECK_THAT(syntax_error("a = 1\nb = \"open\n"), Contains("line 2:") && Contains("unterminated string"));
    CHECK_THAT(syntax_error("a = \"ends in a backslash\\\"\n"),
               Contains("line 1:") && Contains("unterminated string"));
  }
  SECTION("bad key") {
    CHECK_THAT(syntax_error("# c\n\nbad key! = 1\n"), Contains("line 3:") && Contains("bad key"));
    CHECK_THAT(syntax_error("a.b = 1\n"), Contains("line 1:") && Contains("bad key"));
    CHECK_THAT(syntax_error("x = 1\n = 1\n"), Contains("line 2:") && Contains("bad key"));
  }
  SECTION("duplicate key, also when its section is reopened") {
    CHECK_THAT(syntax_error("a = 1\na = 2\n"), Contains("line 2:") && Contains("duplicate key 'a'"));
    CHECK_THAT(syntax_error("[s]\na = 1\n[t]\n[s]\na = 2\n"),
               Contains("line 5:") && Contains("duplicate key 's.a'"));
  }
  SECTION("missing value") {
    CHECK_THAT(syntax_error("a = 1\nb =\n"), Contains("line 2:") && Contains("missing value"));
    CHECK_THAT(syntax_error("a = 1\n\nb =   # just a comment\n"),
               Contains("line 3:") && Contains("missing value"));
  }
  SECTION("text after a string") {
    CHECK_THAT(syntax_error("a = \"x\" y\n"),
               Contains("line 1:") && Contains("unexpected text after string"));
  }
  SECTION("other malformed lines") {
    CHECK_THAT(syntax_error("a = 1\njust words\n"), Contains("line 2:"));
    CHECK_THAT(syntax_error("[server\n"), Contains("line 1:"));
    CHECK_THAT(syntax_error("[bad name]\n"), Contains("line 1:"));
    CHECK_THAT(syntax_error("a = \"\\q\"\n"), Contains("line 1:") && Contains("escape"));
  }
}

TEST_CASE("parse_duration reads single and combined units", "[unit][config]") {
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("2s") == 2s);
  CHECK(parse_duration("5m") == 5min);
  CHECK(parse_duration("1h") == 1h);
  CHECK(parse_duration("1d") == 24h);
  CHECK(parse_duration("1m30s") == 90s);
  CHECK(parse_duration("1h2m3s4ms") == 1h + 2min + 3s + 4ms);
  CHECK(parse_duration("0s") == 0ms);
  CHECK(parse_duration("1ms") != parse_duration("1m"));
}

TEST_CASE("parse_duration rejects empty, unitless, unknown-unit and negative text", "[unit][config]") {
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("5"));
  CHECK_FALSE(parse_duration("5x"));
  CHECK_FALSE(parse_duration("-1s"));
  CHECK_FALSE(parse_duration("1m30"));
  CHECK_FALSE(parse_duration("s"));
  CHECK_FALSE(parse_duration("1.5s"));
  CHECK_FALSE(parse_duration(" 1s"));
  CHECK_FALSE(parse_duration("1s "));
  CHECK_FALSE(parse_duration("99999999999999999999s"));  // does not fit in 64 bits
}

TEST_CASE("parse_duration rejects a value whose milliseconds overflow instead of wrapping",
          "[unit][config]") {
  // 10^14 days is about 8.6e21 ms, beyond int64; the multiplication must not overflow silently.
  CHECK_FALSE(parse_duration("100000000000000d"));
  CHECK_FALSE(parse_duration("9223372036854775807s"));
}
