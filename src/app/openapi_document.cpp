#include "openapi_document.hpp"

#include <boost/json.hpp>

#include <stdexcept>

namespace shop::app {
namespace {

void merge_into(boost::json::object& target, const boost::json::object& source, const std::string& where) {
  for (const auto& [key, value] : source) {
    if (target.contains(key))
      throw std::logic_error("OpenAPI " + where + " '" + std::string(key) + "' defined twice");
    target[key] = value;
  }
}

}  // namespace

std::string build_openapi_document(std::span<const infra::EmbeddedFile> fragments) {
  boost::json::object doc;
  for (const auto& f : fragments) {
    if (f.name == "base.json") doc = boost::json::parse(f.content).as_object();
  }
  if (doc.empty()) throw std::logic_error("OpenAPI base.json is missing");
  if (!doc["paths"].is_object()) doc["paths"] = boost::json::object{};
  if (!doc["components"].is_object()) doc["components"] = boost::json::object{};
  for (const auto& f : fragments) {
    if (f.name == "base.json") continue;
    const auto fragment = boost::json::parse(f.content).as_object();
    if (const auto* paths = fragment.if_contains("paths"))
      merge_into(doc["paths"].as_object(), paths->as_object(), "path");
    if (const auto* components = fragment.if_contains("components")) {
      for (const auto& [kind, entries] : components->as_object()) {
        auto& target = doc["components"].as_object()[kind];
        if (target.is_null()) target = boost::json::object{};
        merge_into(target.as_object(), entries.as_object(), std::string(kind));
      }
    }
  }
  return boost::json::serialize(doc);
}

}  // namespace shop::app
