#include "shop/infra/http/page.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

using shop::infra::domain::FieldErrors;
using shop::infra::http::decode_cursor;
using shop::infra::http::encode_cursor;
using shop::infra::http::page_json;
using shop::infra::http::read_page_request;
using shop::infra::http::Request;

namespace {

Request with_query(std::vector<std::pair<std::string, std::string>> query) {
  Request request;
  request.query = std::move(query);
  return request;
}

}  // namespace

TEST_CASE("a page request is 20 items from the start unless limit and cursor say otherwise", "[unit][page]") {
  FieldErrors errors;
  const auto first = read_page_request(with_query({}), "orders", errors);
  CHECK(first.limit == 20);
  CHECK_FALSE(first.after);
  const auto cursor = encode_cursor("orders", {"2026-11-20T09:30:00.000001Z", "42"});
  const auto next = read_page_request(with_query({{"limit", "100"}, {"cursor", cursor}}), "orders", errors);
  CHECK(next.limit == 100);
  CHECK(next.after == std::vector<std::string>{"2026-11-20T09:30:00.000001Z", "42"});
  CHECK(errors.empty());
}

TEST_CASE("a page request names a bad limit and a cursor of another list", "[unit][page]") {
  for (const char* limit : {"0", "101", "-1", "ten", "5x", ""}) {
    FieldErrors errors;
    read_page_request(with_query({{"limit", limit}}), "orders", errors);
    INFO(limit);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "limit");
  }
  const auto foreign = encode_cursor("products.newest", {"x"});
  for (const auto& cursor : {foreign, std::string("not base64!"), std::string(""), std::string("e30")}) {
    FieldErrors errors;
    const auto page = read_page_request(with_query({{"cursor", cursor}}), "orders", errors);
    INFO(cursor);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "cursor");
    CHECK_FALSE(page.after);
  }
}

TEST_CASE("cursors are opaque URL-safe text that only their own list decodes", "[unit][page]") {
  const std::vector<std::string> key{"price \"quoted\" / 100%", "id"};
  const auto cursor = encode_cursor("products.price_asc", key);
  CHECK(cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  CHECK(decode_cursor("products.price_asc", cursor) == key);
  CHECK_FALSE(decode_cursor("products.price_desc", cursor));
}

TEST_CASE("a page is items with the next cursor or null", "[unit][page]") {
  const auto last = page_json(boost::json::array{1, 2}, std::nullopt);
  CHECK(last.at("items").as_array().size() == 2);
  CHECK(last.at("next_cursor").is_null());
  CHECK(page_json({}, std::string("abc")).at("next_cursor") == "abc");
}
