#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/domain/field_error.hpp"
#include "shop/infra/http/message.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Cursor pagination, the way every list of the API pages (API.md, Conventions): `?limit=` (1..100,
// default 20) and an opaque `?cursor=` in, `{"items": [...], "next_cursor": "..." | null}` out.
//
// A cursor carries the sort key of the last item served, so the next page starts strictly after it
// (keyset pagination: `WHERE (created_at, id) < ($1, $2) ORDER BY created_at DESC, id DESC`). Rows
// inserted meanwhile never shift a page, so paging neither skips nor repeats an item, and no page
// costs an OFFSET scan. A cursor names the list it was made for ("products.newest"), so one from
// another list or sort is refused instead of silently starting somewhere odd.
namespace shop::infra::http {

inline constexpr std::size_t kDefaultPageLimit = 20;
inline constexpr std::size_t kMaxPageLimit = 100;

struct PageRequest {
  std::size_t limit = kDefaultPageLimit;
  // The sort key of the last item of the previous page; nullopt for the first page.
  std::optional<std::vector<std::string>> after;
};

// Reads ?limit= and ?cursor= for `list`; what is wrong with them is added to `errors` (fields
// "limit" and "cursor"), so one 400 names every bad parameter of the request.
PageRequest read_page_request(const Request& request, std::string_view list, domain::FieldErrors& errors);

// The cursor that continues `list` after the item whose sort key is `key`.
std::string encode_cursor(std::string_view list, const std::vector<std::string>& key);
// The key a cursor made for `list` carries; nullopt for anything else (the list checks its parts).
std::optional<std::vector<std::string>> decode_cursor(std::string_view list, std::string_view cursor);

// The keyset position of a list sorted newest first on (a time, an id): its cursor's key.
struct TimeIdKey {
  clock::TimePoint time;
  std::string id;
};
// The key of a page request's cursor, if it has one; a cursor that is no such key adds a "cursor"
// error to `errors`.
std::optional<TimeIdKey> read_time_id_key(const PageRequest& page, domain::FieldErrors& errors);
// The cursor that continues `list` after the item at `key` (the time to the microsecond).
std::string encode_time_id_cursor(std::string_view list, const TimeIdKey& key);

// {"items": items, "next_cursor": next_cursor or null}. Lists read limit + 1 rows: the extra one
// says that a next page exists, and the cursor is made from the last item served.
boost::json::object page_json(boost::json::array items, const std::optional<std::string>& next_cursor);

}  // namespace shop::infra::http
