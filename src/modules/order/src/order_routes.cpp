#include "lifecycle.hpp"
#include "order_store.hpp"
#include "placement.hpp"
#include "returns.hpp"
#include "routes.hpp"

#include "shop/infra/domain/uuid.hpp"
#include "shop/infra/http/json_input.hpp"
#include "shop/infra/http/page.hpp"
#include "shop/infra/http/problems.hpp"

#include <fmt/format.h>

namespace shop::order {
namespace {

namespace http = infra::http;

// The body of POST /orders: types here, every rule in the domain (so one 400 names every bad line).
PlaceOrder read_order(const http::Request& req) {
  http::JsonInput in(req);
  PlaceOrder order{.customer_id = req.caller->id,
                   .address_id = in.root().text("address_id", {.min = 1, .max = 64}).value_or(""),
                   .items = {}};
  if (auto items = in.root().objects("items", kMaxOrderLines)) {
    for (auto* item : *items) {
      order.items.push_back({item->text("product_id", {.min = 1, .max = 64}).value_or(""),
                             item->integer("quantity", 1, kMaxQuantity).value_or(0)});
    }
  }
  in.finish();
  return order;
}

boost::asio::awaitable<http::Response> place_route(OrderContext& ctx, http::Request& req) {
  const PlaceOrder order = read_order(req);
  co_return co_await ctx.idempotency.run(req, req.caller->id, [&](infra::db::Tx& tx) {
    const auto placed = place_order(ctx, tx, order);
    if (!placed) return to_problem(placed.error(), "items[{}].product_id").to_response();
    return http::json_response(201, to_json(*placed)).header("Location", "/api/v1/orders/" + placed->id);
  });
}

// ?status= and the page of a list; one 400 names every bad parameter.
OrderFilter read_filter(const http::Request& req, OrderFilter::Scope scope, std::string_view list) {
  infra::domain::FieldErrors errors;
  OrderFilter filter{.scope = scope, .user_id = scope == OrderFilter::Scope::kAll ? "" : req.caller->id};
  if (const auto status = req.query_param("status")) {
    filter.status = parse_status(*status);
    if (!filter.status) errors.push_back({"status", "is not an order status"});
  }
  const auto page = http::read_page_request(req, list, errors);
  filter.limit = page.limit + 1;  // one more tells that a next page exists
  if (auto after = http::read_time_id_key(page, errors)) {
    filter.after_created = after->time;
    filter.after_id = std::move(after->id);
  }
  if (!errors.empty()) throw http::validation_failed(std::move(errors));
  return filter;
}

boost::asio::awaitable<http::Response> list_route(OrderContext& ctx, http::Request& req,
                                                  OrderFilter::Scope scope, std::string_view list) {
  const OrderFilter filter = read_filter(req, scope, list);
  auto read = [&](infra::db::Tx& tx) { return list_orders(ctx, tx, filter); };
  auto orders = co_await ctx.db.transact(read);
  std::optional<std::string> next;
  if (orders.size() == filter.limit) {
    orders.pop_back();
    const auto& last = orders.back();
    next = http::encode_time_id_cursor(list, {last.created_at, last.id});
  }
  boost::json::array items;
  for (const auto& o : orders) items.push_back(to_json(o));
  co_return http::json_response(200, http::page_json(std::move(items), next));
}

boost::asio::awaitable<http::Response> get_route(OrderContext& ctx, http::Request& req) {
  const std::string id(req.param("id"));
  if (!infra::domain::is_uuid(id)) throw http::not_found("There is no such order.");
  auto read = [&](infra::db::Tx& tx) { return load_order(ctx, tx, id); };
  const auto order = co_await ctx.db.transact(read);
  // Another customer's order answers 404, never 403: ids reveal nothing.
  if (!order || (order->customer_id != req.caller->id && req.caller->role != "admin")) {
    throw http::not_found("There is no such order.");
  }
  co_return http::json_response(200, to_json(*order));
}

// The optional {"reason"} of a cancel or a return.
std::optional<std::string> read_reason(const http::Request& req) {
  http::JsonInput in(req, http::JsonInput::Body::kOptional);
  auto reason = in.root().text("reason", {.max = 500, .presence = infra::domain::Presence::kOptional});
  in.finish();
  return reason;
}

boost::asio::awaitable<http::Response> cancel_route(OrderContext& ctx, http::Request& req) {
  const CancelRequest cancel{
      .customer_id = req.caller->id, .order_id = std::string(req.param("id")), .reason = read_reason(req)};
  auto run = [&](infra::db::Tx& tx) { return cancel_order(ctx, tx, cancel); };
  const auto cancelled = co_await ctx.db.transact(run);
  if (!cancelled) {
    if (cancelled.error() == CancelRefused::kNotFound) throw http::not_found("There is no such order.");
    throw http::conflict("cannot_cancel", "Cannot cancel",
                         "Only an order waiting for its payment, or paid and not yet shipped, can be "
                         "cancelled; a delivered order can be returned.");
  }
  co_return http::json_response(200, to_json(*cancelled));
}

// A plain function, not a branch of the coroutine (g++ 12 and switches in coroutines, payments.cpp).
[[noreturn]] void refuse_return(ReturnRefused refused) {
  switch (refused) {
    case ReturnRefused::kNotFound:
      throw http::not_found("There is no such order.");
    case ReturnRefused::kNotDelivered:
      throw http::conflict("not_delivered", "Not delivered",
                           "Only a delivered order can be returned, and only once.");
    case ReturnRefused::kWindowClosed:
      break;
  }
  throw http::conflict("return_window_closed", "Return window closed",
                       "The time to return this order after its delivery has passed.");
}

boost::asio::awaitable<http::Response> return_route(OrderContext& ctx, http::Request& req) {
  const ReturnRequest request{
      .customer_id = req.caller->id, .order_id = std::string(req.param("id")), .reason = read_reason(req)};
  auto run = [&](infra::db::Tx& tx) { return request_return(ctx, tx, request); };
  const auto returned = co_await ctx.db.transact(run);
  if (!returned) refuse_return(returned.error());
  co_return http::json_response(200, to_json(*returned));
}

}  // namespace

void register_order_routes(http::Router& router, OrderContext& ctx) {
  using http::Method;
  using Scope = OrderFilter::Scope;
  const auto signed_in = http::Access::signed_in();
  router.add(
      Method::kPost, "/api/v1/orders", [&ctx](http::Request& r) { return place_route(ctx, r); }, signed_in);
  router.add(
      Method::kGet, "/api/v1/orders",
      [&ctx](http::Request& r) {
        // An admin's list is every order; anyone else's their own.
        return list_route(ctx, r, r.caller->role == "admin" ? Scope::kAll : Scope::kCustomer, "orders");
      },
      signed_in);
  router.add(
      Method::kGet, "/api/v1/orders/{id}", [&ctx](http::Request& r) { return get_route(ctx, r); }, signed_in);
  router.add(
      Method::kPost, "/api/v1/orders/{id}/cancel", [&ctx](http::Request& r) { return cancel_route(ctx, r); },
      signed_in);
  router.add(
      Method::kPost, "/api/v1/orders/{id}/return", [&ctx](http::Request& r) { return return_route(ctx, r); },
      signed_in);
  router.add(
      Method::kGet, "/api/v1/seller/orders",
      [&ctx](http::Request& r) { return list_route(ctx, r, Scope::kSeller, "seller_orders"); },
      http::Access::roles({"seller", "admin"}));
}

}  // namespace shop::order
