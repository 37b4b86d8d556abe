#include "shop/infra/http/json_input.hpp"

#include <boost/json/parse.hpp>
#include <fmt/format.h>

namespace shop::infra::http {
namespace {

boost::json::object parse_object(const Request& request) {
  const auto type = request.header("Content-Type");
  if (!type || !type->starts_with("application/json")) {
    throw Problem(415, "unsupported_media_type", "Unsupported media type",
                  "The request body must be JSON, sent with Content-Type: application/json.");
  }
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(request.body, ec);
  if (ec) {
    throw Problem(400, "malformed_json", "Malformed JSON", fmt::format("The body is not valid JSON: {}.", ec.message()));
  }
  if (!value.is_object()) throw Problem(400, "malformed_json", "Malformed JSON", "The body must be a JSON object.");
  return std::move(value.as_object());
}

}  // namespace

std::optional<std::size_t> utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > text.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return std::nullopt;
    }
    i += len;
    ++count;
  }
  return count;
}

FieldReader::FieldReader(const boost::json::object& object, std::string prefix, std::vector<FieldError>& errors)
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
  const auto length = utf8_length(text);
  if (!length) {
    reject(field, "must be valid UTF-8");
  } else if (*length < rule.min || *length > rule.max) {
    reject(field, rule.min == rule.max ? fmt::format("must be {} characters long", rule.min)
                                       : fmt::format("must be {} to {} characters long", rule.min, rule.max));
  } else if (rule.check && !rule.check(text)) {
    reject(field, std::string(rule.check_message));
  } else {
    return text;
  }
  return std::nullopt;
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

void FieldReader::report_unknown(std::vector<FieldError>& unknown) const {
  for (const auto& entry : object_) {
    if (!asked_.contains(entry.key())) unknown.push_back({path(entry.key()), "is not a known field"});
  }
}

JsonInput::JsonInput(const Request& request) : object_(parse_object(request)), root_(object_, "", errors_) {}

void JsonInput::finish() {
  std::vector<FieldError> unknown;
  root_.report_unknown(unknown);
  if (!unknown.empty()) {
    unknown.insert(unknown.end(), errors_.begin(), errors_.end());
    throw Problem(400, "unknown_field", "Unknown field", "The body has fields this endpoint does not accept.",
                  std::move(unknown));
  }
  if (!errors_.empty()) {
    throw Problem(400, "validation_failed", "Invalid request", "Some fields are missing or invalid.", errors_);
  }
}

}  // namespace shop::infra::http
