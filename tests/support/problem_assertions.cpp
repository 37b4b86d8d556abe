#include "support/problem_assertions.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

namespace shop::test {

std::string code_of(const HttpResponse& response) {
  return std::string(response.json().at("code").as_string());
}

void expect_problem(const HttpResponse& response, unsigned status, std::string_view code,
                    std::source_location where) {
  INFO("expect_problem at " << where.file_name() << ":" << where.line()
                            << "; response body: " << response.body);
  CHECK(response.status == status);
  CHECK(response.header("Content-Type") == "application/problem+json");
  boost::system::error_code error;
  const auto doc = boost::json::parse(response.body, error);
  const auto* found = !error && doc.is_object() ? doc.as_object().if_contains("code") : nullptr;
  CHECK((found != nullptr && found->is_string() && found->as_string() == code));
}

}  // namespace shop::test
