#include "shop/infra/http/page.hpp"

#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/crypto/base64.hpp"
#include "shop/infra/domain/uuid.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

namespace shop::infra::http {

std::string encode_cursor(std::string_view list, const std::vector<std::string>& key) {
  boost::json::array parts;
  parts.emplace_back(list);
  for (const auto& part : key) parts.emplace_back(part);
  return crypto::encode_base64url(boost::json::serialize(parts));
}

std::optional<std::vector<std::string>> decode_cursor(std::string_view list, std::string_view cursor) {
  const auto text = crypto::decode_base64url(cursor);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  const auto value = boost::json::parse(*text, ec);
  if (ec || !value.is_array()) return std::nullopt;
  const auto& parts = value.as_array();
  if (parts.empty() || !parts[0].is_string() || parts[0].as_string() != list) return std::nullopt;
  std::vector<std::string> key;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (!parts[i].is_string()) return std::nullopt;
    key.emplace_back(parts[i].as_string());
  }
  return key;
}

PageRequest read_page_request(const Request& request, std::string_view list, domain::FieldErrors& errors) {
  PageRequest page;
  if (const auto limit = request.query_param("limit")) {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
    if (ec != std::errc{} || end != limit->data() + limit->size() || n < 1 || n > kMaxPageLimit) {
      errors.push_back({"limit", fmt::format("must be an integer from 1 to {}", kMaxPageLimit)});
    } else {
      page.limit = n;
    }
  }
  if (const auto cursor = request.query_param("cursor")) {
    page.after = decode_cursor(list, *cursor);
    if (!page.after)
      errors.push_back({"cursor", "is not a cursor of this list; pass next_cursor as it came"});
  }
  return page;
}

boost::json::object page_json(boost::json::array items, const std::optional<std::string>& next_cursor) {
  return {{"items", std::move(items)},
          {"next_cursor", next_cursor ? boost::json::value(*next_cursor) : boost::json::value(nullptr)}};
}

std::optional<TimeIdKey> read_time_id_key(const PageRequest& page, domain::FieldErrors& errors) {
  if (!page.after) return std::nullopt;
  const auto& key = *page.after;
  const auto time = key.size() == 2 ? clock::parse_rfc3339(key[0]) : std::nullopt;
  if (!time || !domain::is_uuid(key[1])) {
    errors.push_back({"cursor", "is not a cursor this list gave"});
    return std::nullopt;
  }
  return TimeIdKey{*time, key[1]};
}

std::string encode_time_id_cursor(std::string_view list, const TimeIdKey& key) {
  return encode_cursor(list, {clock::format_rfc3339_micros(key.time), key.id});
}

}  // namespace shop::infra::http
