#include "shop/infra/http/problem.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

using shop::infra::http::FieldError;
using shop::infra::http::Problem;

namespace {

std::vector<FieldError> unknown_fields(std::size_t n) {
  std::vector<FieldError> errors;
  for (std::size_t i = 0; i < n; ++i)
    errors.push_back({"field_" + std::to_string(i), "is not a known field"});
  return errors;
}

boost::json::object document(std::size_t errors) {
  const auto response = Problem(400, "unknown_field", "Unknown field",
                                "Fields this endpoint does not accept.", unknown_fields(errors))
                            .to_response();
  CHECK(response.content_type == "application/problem+json");
  return boost::json::parse(response.body).as_object();
}

}  // namespace

TEST_CASE("a problem document lists every field error up to 50", "[unit][http][problem]") {
  const auto doc = document(50);
  CHECK(doc.at("errors").as_array().size() == 50);
  CHECK_FALSE(doc.contains("errors_omitted"));
  CHECK(doc.at("errors").as_array().back().at("field") == "field_49");
}

TEST_CASE("a problem document lists the first 50 field errors and counts the rest", "[unit][http][problem]") {
  // About what 1 MiB of unknown JSON keys makes: the response stays small.
  const auto response =
      Problem(400, "unknown_field", "Unknown field", "", unknown_fields(100'000)).to_response();
  CHECK(response.body.size() < 8 * 1024);
  const auto doc = boost::json::parse(response.body).as_object();
  const auto& errors = doc.at("errors").as_array();
  REQUIRE(errors.size() == 50);
  CHECK(errors.front().at("field") == "field_0");
  CHECK(errors.back().at("field") == "field_49");
  for (const auto& e : errors) {
    CHECK(e.as_object().size() == 2);  // still {field, message}
    CHECK(e.at("message") == "is not a known field");
  }
  CHECK(doc.at("errors_omitted") == 100'000 - 50);
  CHECK(document(51).at("errors_omitted") == 1);
}
