#include "openapi_document.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <span>
#include <stdexcept>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using shop::app::build_openapi_document;
using shop::infra::EmbeddedFile;

namespace shop::app {
std::span<const infra::EmbeddedFile> openapi_fragments();
}

namespace {

constexpr const char* kBase = R"({
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "paths": {"/healthz": {"get": {"summary": "alive"}}},
  "components": {"schemas": {"Problem": {"type": "object"}}}
})";

boost::json::object build(const std::vector<EmbeddedFile>& files) {
  return boost::json::parse(build_openapi_document(files)).as_object();
}

std::string logic_error_of(const std::vector<EmbeddedFile>& files) {
  try {
    build_openapi_document(files);
  } catch (const std::logic_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("build_openapi_document merges paths and components into base.json", "[unit][openapi]") {
  const auto doc = build({
      {"users.json", R"({"paths": {"/users": {"post": {"summary": "sign up"}}},
                         "components": {"schemas": {"User": {"type": "object"}},
                                        "securitySchemes": {"bearer": {"type": "http"}}}})"},
      {"base.json", kBase},
      {"catalog.json", R"({"paths": {"/products": {"get": {}}, "/products/{id}": {"get": {}}}})"},
  });
  CHECK(doc.at("openapi") == "3.1.0");
  CHECK(doc.at("info").at("title") == "t");
  const auto& paths = doc.at("paths").as_object();
  CHECK(paths.size() == 4);
  CHECK(paths.contains("/healthz"));
  CHECK(paths.at("/users").at("post").at("summary") == "sign up");
  CHECK(paths.contains("/products"));
  CHECK(paths.contains("/products/{id}"));
  const auto& components = doc.at("components").as_object();
  CHECK(components.at("schemas").as_object().contains("Problem"));
  CHECK(components.at("schemas").as_object().contains("User"));
  CHECK(components.at("securitySchemes").at("bearer").at("type") == "http");
}

TEST_CASE("build_openapi_document with only base.json returns it unchanged", "[unit][openapi]") {
  CHECK(build({{"base.json", kBase}}) == boost::json::parse(kBase));
}

TEST_CASE("build_openapi_document requires base.json", "[unit][openapi]") {
  CHECK_THROWS_AS(build_openapi_document(std::span<const EmbeddedFile>{}), std::logic_error);
  CHECK_THAT(logic_error_of({{"users.json", R"({"paths": {}})"}}), Contains("base.json"));
}

TEST_CASE("build_openapi_document refuses a path or component defined twice", "[unit][openapi]") {
  CHECK_THAT(logic_error_of({{"base.json", kBase},
                             {"a.json", R"({"paths": {"/orders": {"get": {}}}})"},
                             {"b.json", R"({"paths": {"/orders": {"post": {}}}})"}}),
             Contains("/orders"));
  CHECK_THAT(logic_error_of({{"base.json", kBase}, {"a.json", R"({"paths": {"/healthz": {"post": {}}}})"}}),
             Contains("/healthz"));
  CHECK_THAT(logic_error_of({{"base.json", kBase},
                             {"a.json", R"({"components": {"schemas": {"Problem": {"type": "string"}}}})"}}),
             Contains("Problem"));
}

TEST_CASE("the OpenAPI fragments embedded in shopd merge", "[unit][openapi]") {
  const auto doc = boost::json::parse(build_openapi_document(shop::app::openapi_fragments())).as_object();
  CHECK(doc.contains("openapi"));
  CHECK(doc.at("paths").as_object().contains("/healthz"));
}
