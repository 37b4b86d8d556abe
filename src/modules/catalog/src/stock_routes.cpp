#include "product_rules.hpp"
#include "routes.hpp"
#include "stock.hpp"

#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/http/json_input.hpp"
#include "shop/infra/http/page.hpp"
#include "shop/infra/http/problems.hpp"

#include <charconv>

namespace shop::catalog {
namespace {

namespace http = infra::http;

constexpr std::string_view kAdjustmentList = "stock_adjustments";

boost::json::object to_json(const StockLevel& level) {
  return {{"on_hand", level.on_hand}, {"reserved", level.reserved}, {"available", level.available()}};
}

boost::json::object to_json(const Adjustment& a) {
  return {{"id", std::to_string(a.id)},
          {"actor_id", a.actor_id},
          {"delta", a.delta},
          {"reason", a.reason ? boost::json::value(*a.reason) : boost::json::value(nullptr)},
          {"on_hand_after", a.on_hand_after},
          {"created_at", infra::clock::format_rfc3339(a.created_at)}};
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n < 1) return std::nullopt;
  return n;
}

// Anyone sees what is available; the product's seller and admins also see on hand and reserved.
boost::asio::awaitable<http::Response> stock_route(CatalogContext& ctx, http::Request& req) {
  const std::string id(req.param("id"));
  const auto stock = co_await stock_of(ctx, id);
  if (!stock) throw to_problem(ChangeRefused::kNotFound);
  boost::json::object body{{"product_id", id}, {"available", stock->level.available()}};
  if (req.caller && actor_of(req).may_change(stock->seller_id)) {
    body["on_hand"] = stock->level.on_hand;
    body["reserved"] = stock->level.reserved;
  }
  co_return http::json_response(200, body);
}

boost::asio::awaitable<http::Response> adjust_route(CatalogContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto& r = in.root();
  const auto delta = r.integer("delta", -kMaxStockDelta, kMaxStockDelta);
  if (delta == 0) r.reject("delta", "must not be zero");
  auto reason = r.text("reason", reason_rule());
  in.finish();
  auto actor = actor_of(req);  // named: see product_routes.cpp
  const auto level =
      co_await adjust_stock(ctx, std::move(actor), std::string(req.param("id")), *delta, std::move(reason));
  if (!level) throw to_problem(level.error());
  co_return http::json_response(200, to_json(*level));
}

boost::asio::awaitable<http::Response> adjustments_route(CatalogContext& ctx, http::Request& req) {
  infra::domain::FieldErrors errors;
  const auto page = http::read_page_request(req, kAdjustmentList, errors);
  std::optional<std::int64_t> before;
  if (page.after) {
    before = page.after->size() == 1 ? parse_id((*page.after)[0]) : std::nullopt;
    if (!before) errors.push_back({"cursor", "is not a cursor of this list; pass next_cursor as it came"});
  }
  if (!errors.empty()) throw http::validation_failed(std::move(errors));
  auto actor = actor_of(req);
  const auto listed =
      co_await list_adjustments(ctx, std::move(actor), std::string(req.param("id")), page.limit, before);
  if (!listed) throw to_problem(listed.error());
  boost::json::array items;
  for (const auto& a : listed->items) items.push_back(to_json(a));
  std::optional<std::string> next;
  if (listed->more) next = http::encode_cursor(kAdjustmentList, {std::to_string(listed->items.back().id)});
  co_return http::json_response(200, http::page_json(std::move(items), next));
}

}  // namespace

void register_stock_routes(http::Router& router, CatalogContext& ctx) {
  using http::Method;
  const auto sellers = http::Access::roles({"seller", "admin"});
  router.add(
      Method::kGet, "/api/v1/products/{id}/stock", [&ctx](http::Request& r) { return stock_route(ctx, r); },
      http::Access::anyone_or_signed_in());
  router.add(
      Method::kPost, "/api/v1/products/{id}/stock-adjustments",
      [&ctx](http::Request& r) { return adjust_route(ctx, r); }, sellers);
  router.add(
      Method::kGet, "/api/v1/products/{id}/stock-adjustments",
      [&ctx](http::Request& r) { return adjustments_route(ctx, r); }, sellers);
}

}  // namespace shop::catalog
