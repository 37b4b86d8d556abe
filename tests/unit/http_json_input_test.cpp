#include "shop/infra/http/json_input.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

using shop::infra::http::JsonInput;
using shop::infra::http::Presence;
using shop::infra::http::Problem;
using shop::infra::http::Request;
using shop::infra::http::TextRule;

namespace {

Request json_request(std::string body, std::string content_type = "application/json") {
  Request request;
  request.method = shop::infra::http::Method::kPost;
  if (!content_type.empty()) request.headers.emplace_back("Content-Type", std::move(content_type));
  request.body = std::move(body);
  return request;
}

struct ProblemDoc {
  unsigned status = 0;
  std::string content_type;
  boost::json::object body;

  std::string code() const { return std::string(body.at("code").as_string()); }
  // The `field` of every entry in `errors`, in order.
  std::vector<std::string> fields() const {
    std::vector<std::string> out;
    if (const auto* errors = body.if_contains("errors")) {
      for (const auto& e : errors->as_array()) out.emplace_back(e.as_object().at("field").as_string());
    }
    return out;
  }
  std::string message_for(const std::string& field) const {
    for (const auto& e : body.at("errors").as_array()) {
      if (e.as_object().at("field").as_string() == field)
        return std::string(e.as_object().at("message").as_string());
    }
    return "<no error for " + field + ">";
  }
};

ProblemDoc to_doc(const Problem& problem) {
  const auto response = problem.to_response();
  ProblemDoc doc{response.status, response.content_type, boost::json::parse(response.body).as_object()};
  CHECK(doc.body.at("status").to_number<unsigned>() == response.status);
  CHECK(problem.status() == response.status);
  CHECK(problem.code() == doc.code());
  return doc;
}

// Runs `fn` and returns the Problem it threw; fails the test if it threw none.
template <class Fn>
std::optional<ProblemDoc> problem_of(Fn&& fn) {
  try {
    fn();
  } catch (const Problem& p) {
    return to_doc(p);
  }
  FAIL_CHECK("expected a Problem");
  return std::nullopt;
}

}  // namespace

TEST_CASE("JsonInput refuses a body not declared as JSON with 415", "[unit][json_input]") {
  for (const auto* type : {"", "text/plain", "application/x-www-form-urlencoded"}) {
    CAPTURE(type);
    const auto doc = problem_of([&] { JsonInput in(json_request(R"({"a":1})", type)); });
    REQUIRE(doc);
    CHECK(doc->status == 415);
    CHECK(doc->code() == "unsupported_media_type");
    CHECK(doc->content_type == "application/problem+json");
  }
}

TEST_CASE("JsonInput accepts application/json with parameters and any header case", "[unit][json_input]") {
  auto request = json_request(R"({"a":1})", "application/json; charset=utf-8");
  CHECK_NOTHROW(JsonInput{request});
  Request lower;
  lower.headers = {{"content-type", "application/json"}};
  lower.body = "{}";
  CHECK_NOTHROW(JsonInput{lower});
}

TEST_CASE("JsonInput treats the media type case-insensitively", "[unit][json_input]") {
  // RFC 9110 section 8.3.1: type and subtype are case-insensitive.
  CHECK_NOTHROW(JsonInput{json_request("{}", "Application/JSON")});
  CHECK_NOTHROW(JsonInput{json_request("{}", "APPLICATION/JSON; charset=utf-8")});
}

TEST_CASE("JsonInput refuses malformed JSON and non-objects with 400 malformed_json", "[unit][json_input]") {
  for (const auto* body :
       {"", "{", R"({"a":})", "not json", R"({"a":1} trailing)", "[1,2]", "42", R"("text")", "null"}) {
    CAPTURE(body);
    const auto doc = problem_of([&] { JsonInput in(json_request(body)); });
    REQUIRE(doc);
    CHECK(doc->status == 400);
    CHECK(doc->code() == "malformed_json");
    CHECK(doc->content_type == "application/problem+json");
  }
}

TEST_CASE("JsonInput reads required and optional fields of each type", "[unit][json_input]") {
  JsonInput in(json_request(R"({"name":"Lamp","limit":5,"active":true,"note":"x"})"));
  auto& root = in.root();
  CHECK(root.text("name", {.min = 1, .max = 50}) == "Lamp");
  CHECK(root.integer("limit", 1, 10) == 5);
  CHECK(root.boolean("active") == true);
  CHECK(root.text("note", {.presence = Presence::kOptional}) == "x");
  CHECK_FALSE(root.text("nickname", {.presence = Presence::kOptional}));
  CHECK_FALSE(root.integer("page", 1, 100, Presence::kOptional));
  CHECK_FALSE(root.boolean("archived", Presence::kOptional));
  CHECK_NOTHROW(in.finish());
}

TEST_CASE("JsonInput reports missing required fields as validation_failed", "[unit][json_input]") {
  JsonInput in(json_request("{}"));
  CHECK_FALSE(in.root().text("name", {}));
  CHECK_FALSE(in.root().integer("limit", 1, 10));
  CHECK_FALSE(in.root().boolean("active"));
  const auto doc = problem_of([&] { in.finish(); });
  REQUIRE(doc);
  CHECK(doc->status == 400);
  CHECK(doc->code() == "validation_failed");
  CHECK(doc->content_type == "application/problem+json");
  CHECK(doc->fields() == std::vector<std::string>{"name", "limit", "active"});
  CHECK(doc->message_for("name") == "is required");
}

TEST_CASE("JsonInput counts text length in code points", "[unit][json_input]") {
  JsonInput in(json_request(R"({"two":"한글","three":"한글a","one":"é","long":"abcdef"})"));
  CHECK(in.root().text("two", {.min = 2, .max = 2}) == "한글");
  CHECK_FALSE(in.root().text("three", {.min = 1, .max = 2}));
  CHECK(in.root().text("one", {.min = 1, .max = 1}) == "é");
  CHECK_FALSE(in.root().text("long", {.min = 1, .max = 5}));
  const auto doc = problem_of([&] { in.finish(); });
  REQUIRE(doc);
  CHECK(doc->code() == "validation_failed");
  CHECK(doc->fields() == std::vector<std::string>{"three", "long"});
  CHECK(doc->message_for("three") == "must be 1 to 2 characters long");
}

TEST_CASE("JsonInput enforces a minimum text length and type", "[unit][json_input]") {
  JsonInput in(json_request(R"({"empty":"","code":"ab","number":12})"));
  CHECK_FALSE(in.root().text("empty", {.min = 1, .max = 10}));
  CHECK_FALSE(in.root().text("code", {.min = 3, .max = 3}));
  CHECK_FALSE(in.root().text("number", {}));
  const auto doc = problem_of([&] { in.finish(); });
  REQUIRE(doc);
  CHECK(doc->fields() == std::vector<std::string>{"empty", "code", "number"});
  CHECK(doc->message_for("code") == "must be 3 characters long");
  CHECK(doc->message_for("number") == "must be a string");
}

TEST_CASE("JsonInput refuses a body that is not valid UTF-8", "[unit][json_input]") {
  const auto doc = problem_of([&] {
    JsonInput in(json_request("{\"name\":\"\xff\xfe\"}"));
    in.root().text("name", {});
    in.finish();
  });
  REQUIRE(doc);
  CHECK(doc->status == 400);
  CHECK(doc->code() == "malformed_json");  // the JSON parser refuses raw invalid bytes
}

TEST_CASE("JsonInput applies a text check with its message", "[unit][json_input]") {
  const TextRule sku{.min = 1,
                     .max = 20,
                     .check = [](std::string_view s) { return s.starts_with("SKU-"); },
                     .check_message = "must start with SKU-"};
  JsonInput in(json_request(R"({"good":"SKU-1","bad":"X-1"})"));
  CHECK(in.root().text("good", sku) == "SKU-1");
  CHECK_FALSE(in.root().text("bad", sku));
  const auto doc = problem_of([&] { in.finish(); });
  REQUIRE(doc);
  CHECK(doc->fields() == std::vector<std::string>{"bad"});
  CHECK(doc->message_for("bad") == "must start with SKU-");
}

TEST_CASE("JsonInput accepts integers in range only", "[unit][json_input]") {
  JsonInput in(json_request(R"({"low":1,"high":10,"neg":-3,"below":0,"above":11,"fraction":1.5,"text":"3",)"
                            R"("huge":18446744073709551615,"big":9223372036854775807,"flag":true})"));
  auto& root = in.root();
  CHECK(root.integer("low", 1, 10) == 1);
  CHECK(root.integer("high", 1, 10) == 10);
  CHECK(root.integer("neg", -5, 5) == -3);
  CHECK(root.integer("big", 0, std::numeric_limits<std::int64_t>::max()) ==
        std::numeric_limits<std::int64_t>::max());
  CHECK_FALSE(root.integer("below", 1, 10));
  CHECK_FALSE(root.integer("above", 1, 10));
  CHECK_FALSE(root.integer("fraction", 1, 10));
  CHECK_FALSE(root.integer("text", 1, 10));
  CHECK_FALSE(root.integer("huge", 0, std::numeric_limits<std::int64_t>::max()));
  CHECK_FALSE(root.integer("flag", 0, 1));
  const auto doc = problem_of([&] { in.finish(); });
  REQUIRE(doc);
  CHECK(doc->code() == "validation_failed");
  CHECK(doc->fields() == std::vector<std::string>{"below", "above", "fraction", "text", "huge", "flag"});
  CHECK(doc->message_for("fraction") == "must be an integer from 1 to 10");
}

TEST_CASE("JsonInput reads booleans and refuses other types", "[unit][json_input]") {
  JsonInput in(json_request(R"({"yes":true,"no":false,"one":1,"word":"true"})"));
  CHECK(in.root().boolean("yes") == true);
  CHECK(in.root().boolean("no") == false);
  CHECK_FALSE(in.root().boolean("one"));
  CHECK_FALSE(in.root().boolean("word"));
  const auto doc = problem_of([&] { in.finish(); });
  REQUIRE(doc);
  CHECK(doc->fields() == std::vector<std::string>{"one", "word"});
  CHECK(doc->message_for("one") == "must be true or false");
}

TEST_CASE("JsonInput reports every unknown field, and the invalid ones too", "[unit][json_input]") {
  JsonInput in(json_request(R"({"name":"","role":"admin","limit":3,"extra":1})"));
  CHECK_FALSE(in.root().text("name", {.min = 1, .max = 10}));
  CHECK(in.root().integer("limit", 1, 10) == 3);
  const auto doc = problem_of([&] { in.finish(); });
  REQUIRE(doc);
  CHECK(doc->status == 400);
  CHECK(doc->code() == "unknown_field");
  CHECK(doc->content_type == "application/problem+json");
  const auto fields = doc->fields();
  CHECK(fields.size() == 3);
  CHECK(std::count(fields.begin(), fields.end(), "role") == 1);
  CHECK(std::count(fields.begin(), fields.end(), "extra") == 1);
  CHECK(std::count(fields.begin(), fields.end(), "name") == 1);
  CHECK(std::count(fields.begin(), fields.end(), "limit") == 0);
  CHECK(doc->message_for("role") == "is not a known field");
}

TEST_CASE("JsonInput counts an optional field that was asked for as known", "[unit][json_input]") {
  JsonInput in(json_request(R"({"note":"hi"})"));
  CHECK(in.root().text("note", {.presence = Presence::kOptional}) == "hi");
  CHECK_NOTHROW(in.finish());

  JsonInput unasked(json_request(R"({"note":"hi"})"));
  const auto doc = problem_of([&] { unasked.finish(); });
  REQUIRE(doc);
  CHECK(doc->code() == "unknown_field");
  CHECK(doc->fields() == std::vector<std::string>{"note"});
}

TEST_CASE("FieldReader::reject adds a cross-field error", "[unit][json_input]") {
  JsonInput in(json_request(R"({"from":5,"to":3})"));
  const auto from = in.root().integer("from", 0, 10);
  const auto to = in.root().integer("to", 0, 10);
  REQUIRE(from);
  REQUIRE(to);
  if (*to < *from) in.root().reject("to", "must not be before from");
  const auto doc = problem_of([&] { in.finish(); });
  REQUIRE(doc);
  CHECK(doc->code() == "validation_failed");
  CHECK(doc->fields() == std::vector<std::string>{"to"});
  CHECK(doc->message_for("to") == "must not be before from");
}

TEST_CASE("FieldReader::texts reads an array of strings and names each bad item", "[unit][json_input]") {
  JsonInput in(json_request(R"({"urls":["a1","b2"],"tags":["ok","",7],"many":["x","y","z"],"one":"x"})"));
  auto& root = in.root();
  CHECK(root.texts("urls", {.min = 1, .max = 5}, 2) == std::vector<std::string>{"a1", "b2"});
  CHECK_FALSE(root.texts("tags", {.min = 1, .max = 5}, 5));
  CHECK_FALSE(root.texts("many", {.min = 1, .max = 5}, 2));
  CHECK_FALSE(root.texts("one", {.min = 1, .max = 5}, 2));
  CHECK_FALSE(root.texts("absent", {.min = 1, .max = 5}, 2, Presence::kOptional));
  const auto doc = problem_of([&] { in.finish(); });
  REQUIRE(doc);
  CHECK(doc->fields() == std::vector<std::string>{"tags[1]", "tags[2]", "many", "one"});
  CHECK(doc->message_for("tags[2]") == "must be a string");
  CHECK(doc->message_for("many") == "must be an array of at most 2 strings");
}

TEST_CASE("FieldReader::is_null tells a cleared field from an absent one", "[unit][json_input]") {
  JsonInput in(json_request(R"({"limit":null,"note":"x"})"));
  auto& root = in.root();
  CHECK(root.is_null("limit"));
  CHECK_FALSE(root.is_null("note"));
  CHECK_FALSE(root.is_null("absent"));
  CHECK(root.text("note", {.presence = Presence::kOptional}) == "x");
  CHECK_NOTHROW(in.finish());  // a null that was asked about is a known field
}
