#include "shop/infra/http/json_input.hpp"

#include <fmt/format.h>
#include <strings.h>
#include <boost/json/parse.hpp>

namespace shop::infra::http {
namespace {

// Media types compare case-insensitively (RFC 9110 8.3.1); parameters such as charset may follow.
bool is_json_media_type(std::string_view type) {
  const auto end = type.find(';');
  auto essence = type.substr(0, end);
  while (!essence.empty() && essence.back() == ' ') essence.remove_suffix(1);
  constexpr std::string_view kJson = "application/json";
  return essence.size() == kJson.size() && strncasecmp(essence.data(), kJson.data(), kJson.size()) == 0;
}

boost::json::object parse_object(const Request& request, JsonInput::Body body) {
  if (body == JsonInput::Body::kOptional && request.body.empty()) return {};
  const auto type = request.header("Content-Type");
  if (!type || !is_json_media_type(*type)) {
    throw Problem(415, "unsupported_media_type", "Unsupported media type",
                  "The request body must be JSON, sent with Content-Type: application/json.");
  }
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(request.body, ec);
  if (ec) {
    throw Problem(400, "malformed_json", "Malformed JSON",
                  fmt::format("The body is not valid JSON: {}.", ec.message()));
  }
  if (!value.is_object())
    throw Problem(400, "malformed_json", "Malformed JSON", "The body must be a JSON object.");
  return std::move(value.as_object());
}

}  // namespace

FieldReader::FieldReader(const boost::json::object& object, std::string prefix,
                         std::vector<FieldError>& errors)
    : object_(object), prefix_(std::move(prefix)), errors_(errors) {}

std::string FieldReader::path(std::string_view field) const {
  return prefix_.empty() ? std::string(field) : fmt::format("{}.{}", prefix_, field);
}

void FieldReader::reject(std::string_view field, std::string message) {
  errors_.push_back({path(field), std::move(message)});
}

const boost::json::value* FieldReader::find(std::string_view field, Presence presence) {
  asked_.emplace(field);
  const auto* value = object_.if_contains(field);
  if (value == nullptr && presence == Presence::kRequired) reject(field, "is required");
  return value;
}

std::optional<std::string> FieldReader::text(std::string_view field, const TextRule& rule) {
  const auto* value = find(field, rule.presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    reject(field, "must be a string");
    return std::nullopt;
  }
  std::string text(value->as_string());
  if (auto error = domain::text_error(text, rule)) {
    reject(field, std::move(*error));
    return std::nullopt;
  }
  return text;
}

std::optional<std::int64_t> FieldReader::integer(std::string_view field, std::int64_t min, std::int64_t max,
                                                 Presence presence) {
  const auto* value = find(field, presence);
  if (value == nullptr) return std::nullopt;
  std::optional<std::int64_t> n;
  if (value->is_int64()) n = value->as_int64();
  if (value->is_uint64() && value->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(value->as_uint64());
  }
  if (!n || *n < min || *n > max) {
    reject(field, fmt::format("must be an integer from {} to {}", min, max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> FieldReader::boolean(std::string_view field, Presence presence) {
  const auto* value = find(field, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_bool()) {
    reject(field, "must be true or false");
    return std::nullopt;
  }
  return value->as_bool();
}

std::optional<std::vector<std::string>> FieldReader::texts(std::string_view field, const TextRule& rule,
                                                           std::size_t max_items, Presence presence) {
  const auto* value = find(field, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_array() || value->as_array().size() > max_items) {
    reject(field, fmt::format("must be an array of at most {} strings", max_items));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool valid = true;
  for (std::size_t i = 0; i < value->as_array().size(); ++i) {
    const auto& item = value->as_array()[i];
    const auto item_field = fmt::format("{}[{}]", field, i);
    if (!item.is_string()) {
      reject(item_field, "must be a string");
      valid = false;
      continue;
    }
    std::string text(item.as_string());
    if (auto error = domain::text_error(text, rule)) {
      reject(item_field, std::move(*error));
      valid = false;
    } else {
      out.push_back(std::move(text));
    }
  }
  if (!valid) return std::nullopt;
  return out;
}

std::optional<std::vector<FieldReader*>> FieldReader::objects(std::string_view field, std::size_t max_items,
                                                              Presence presence) {
  const auto* value = find(field, presence);
  if (value == nullptr) return std::nullopt;
  if (!value->is_array() || value->as_array().size() > max_items) {
    reject(field, fmt::format("must be an array of at most {} objects", max_items));
    return std::nullopt;
  }
  std::vector<FieldReader*> readers;
  bool valid = true;
  for (std::size_t i = 0; i < value->as_array().size(); ++i) {
    const auto& item = value->as_array()[i];
    if (!item.is_object()) {
      reject(fmt::format("{}[{}]", field, i), "must be an object");
      valid = false;
      continue;
    }
    readers.push_back(&items_.emplace_back(item.as_object(), path(fmt::format("{}[{}]", field, i)), errors_));
  }
  if (!valid) return std::nullopt;
  return readers;
}

bool FieldReader::is_null(std::string_view field) {
  asked_.emplace(field);
  const auto* value = object_.if_contains(field);
  return value != nullptr && value->is_null();
}

void FieldReader::report_unknown(std::vector<FieldError>& unknown) const {
  for (const auto& entry : object_) {
    if (!asked_.contains(entry.key())) unknown.push_back({path(entry.key()), "is not a known field"});
  }
  for (const auto& item : items_) item.report_unknown(unknown);
}

JsonInput::JsonInput(const Request& request, Body body)
    : object_(parse_object(request, body)), root_(object_, "", errors_) {}

void JsonInput::finish() {
  std::vector<FieldError> unknown;
  root_.report_unknown(unknown);
  if (!unknown.empty()) {
    unknown.insert(unknown.end(), errors_.begin(), errors_.end());
    throw Problem(400, "unknown_field", "Unknown field", "The body has fields this endpoint does not accept.",
                  std::move(unknown));
  }
  if (!errors_.empty()) {
    throw Problem(400, "validation_failed", "Invalid request", "Some fields are missing or invalid.",
                  errors_);
  }
}

}  // namespace shop::infra::http
