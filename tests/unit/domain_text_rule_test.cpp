// Text rules: length in code points, well-formed UTF-8, and the characters a single-line or
// multi-line field refuses.
#include "shop/infra/domain/text_rule.hpp"

#include <catch2/catch.hpp>

using shop::infra::domain::has_forbidden_character;
using shop::infra::domain::text_error;
using shop::infra::domain::TextKind;
using shop::infra::domain::TextRule;
using shop::infra::domain::utf8_length;

TEST_CASE("utf8_length counts code points and rejects broken sequences", "[unit][text_rule]") {
  CHECK(utf8_length("") == 0u);
  CHECK(utf8_length("abc") == 3u);
  CHECK(utf8_length("한글") == 2u);
  CHECK(utf8_length("é") == 1u);
  CHECK(utf8_length("\xF0\x9F\x98\x80") == 1u);  // U+1F600, four bytes
  CHECK(utf8_length("a\xE2\x82\xAC"
                    "b") == 3u);  // a€b
  CHECK_FALSE(utf8_length("\xff"));
  CHECK_FALSE(utf8_length("\x80"));          // a lone continuation byte
  CHECK_FALSE(utf8_length("\xE2\x82"));      // truncated
  CHECK_FALSE(utf8_length("\xE2\x28\xA1"));  // bad continuation
  CHECK_FALSE(utf8_length("abc\xC3"));       // truncated at the end
}

TEST_CASE("utf8_length rejects overlong forms, surrogates and code points above U+10FFFF",
          "[unit][text_rule]") {
  // None of these is valid UTF-8 (RFC 3629 section 3), so none has a length.
  CHECK_FALSE(utf8_length("\xC0\x80"));          // overlong NUL
  CHECK_FALSE(utf8_length("\xC1\xBF"));          // overlong U+007F
  CHECK_FALSE(utf8_length("\xE0\x80\xAF"));      // overlong '/'
  CHECK_FALSE(utf8_length("\xED\xA0\x80"));      // U+D800, a UTF-16 surrogate
  CHECK_FALSE(utf8_length("\xF4\x90\x80\x80"));  // U+110000
  CHECK_FALSE(utf8_length("\xF5\x80\x80\x80"));  // lead byte never used
}

TEST_CASE("single-line text refuses control characters and bidirectional overrides", "[unit][text_rule]") {
  const TextRule name{.min = 1, .max = 50};
  CHECK_FALSE(text_error("Kim Minji", name));
  CHECK_FALSE(text_error("김민지", name));
  // NUL, CR, LF, TAB, ESC, DEL and a C1 control (U+0085) are all Unicode category Cc.
  for (const std::string& bad :
       {std::string("demo\0x", 6), std::string("a\rb"), std::string("a\nb"), std::string("a\tb"),
        std::string("a\x1b[31m"), std::string("a\x7f"), std::string("a\xC2\x85")}) {
    INFO(bad);
    CHECK(text_error(bad, name) == "must not contain control characters or bidirectional overrides");
  }
  // U+202E RIGHT-TO-LEFT OVERRIDE and U+2066 LEFT-TO-RIGHT ISOLATE; U+202F (a space) is fine.
  CHECK(has_forbidden_character("evil\xE2\x80\xAEtxt.exe", TextKind::kSingleLine));
  CHECK(
      has_forbidden_character("a\xE2\x81\xA6"
                              "b",
                              TextKind::kSingleLine));
  CHECK(
      has_forbidden_character("a\xE2\x81\xA9"
                              "b",
                              TextKind::kSingleLine));
  CHECK_FALSE(
      has_forbidden_character("a\xE2\x80\xAF"
                              "b",
                              TextKind::kSingleLine));
  CHECK_FALSE(
      has_forbidden_character("a\xE2\x81\xAA"
                              "b",
                              TextKind::kSingleLine));
}

TEST_CASE("multi-line text keeps line feeds and tabs but nothing else of its kind", "[unit][text_rule]") {
  const TextRule description{.max = 5000, .kind = TextKind::kMultiLine};
  CHECK_FALSE(text_error("line one\nline two\twith a tab", description));
  CHECK(text_error("a\rb", description));
  CHECK(text_error(std::string("a\0b", 3), description));
  CHECK(
      text_error("a\xE2\x80\xAE"
                 "b",
                 description));
}

TEST_CASE("opaque text such as a password may hold any character", "[unit][text_rule]") {
  const TextRule password{.min = 1, .max = 128, .kind = TextKind::kAny};
  CHECK_FALSE(text_error(std::string("p\0ss\x1b\xE2\x80\xAE", 9), password));
  CHECK(text_error("\xff", password) == "must be valid UTF-8");
}

TEST_CASE("length is counted in code points and the extra check runs last", "[unit][text_rule]") {
  const TextRule code{.min = 2,
                      .max = 3,
                      .check = [](std::string_view t) { return t != "xx"; },
                      .check_message = "must not be xx"};
  CHECK(text_error("a", code) == "must be 2 to 3 characters long");
  CHECK_FALSE(text_error("한글", code));
  CHECK(text_error("xx", code) == "must not be xx");
}
