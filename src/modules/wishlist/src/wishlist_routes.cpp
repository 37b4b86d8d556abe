#include "wishlist_routes.hpp"
#include "checkout.hpp"
#include "wishlist.hpp"

#include "shop/infra/http/json_input.hpp"
#include "shop/infra/http/problems.hpp"

#include <fmt/format.h>

namespace shop::wishlist {
namespace {

namespace http = infra::http;

http::Problem to_problem(const WishlistContext& ctx, WishlistRefused refused) {
  switch (refused) {
    case WishlistRefused::kProductNotFound:
      return http::not_found("There is no such product.", "product_not_found");
    case WishlistRefused::kNotInWishlist:
      return http::not_found("The product is not in your wishlist.");
    case WishlistRefused::kFull:
      return http::conflict(
          "wishlist_full", "Wishlist full",
          fmt::format("A wishlist holds at most {} products; remove one first.", ctx.options.max_items));
  }
  throw std::logic_error("unknown WishlistRefused");
}

boost::asio::awaitable<http::Response> list_route(WishlistContext& ctx, http::Request& req) {
  co_return http::json_response(200, to_json(co_await read_wishlist(ctx, req.caller->id)));
}

boost::asio::awaitable<http::Response> put_route(WishlistContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  const auto quantity = in.root().integer("quantity", 1, kMaxQuantity);
  in.finish();
  const auto set = co_await set_item(ctx, req.caller->id, std::string(req.param("product_id")), *quantity);
  if (!set) throw to_problem(ctx, set.error());
  co_return http::json_response(200, to_json(*set));
}

boost::asio::awaitable<http::Response> delete_route(WishlistContext& ctx, http::Request& req) {
  const auto removed = co_await remove_item(ctx, req.caller->id, std::string(req.param("product_id")));
  if (!removed) throw to_problem(ctx, removed.error());
  co_return http::no_content();
}

http::Problem to_problem(const CheckoutRefused& refused, const CheckoutRequest& request) {
  switch (refused.reason) {
    case CheckoutRefused::Reason::kEmpty:
      return http::conflict("wishlist_empty", "Wishlist empty",
                            "There is nothing in your wishlist to order.");
    case CheckoutRefused::Reason::kNotInWishlist:
      return http::validation_failed(fmt::format("product_ids[{}]", refused.index),
                                     "is not in your wishlist");
    case CheckoutRefused::Reason::kOrder:
      return order::to_problem(refused.order, request.product_ids
                                                  ? std::optional<std::string_view>("product_ids[{}]")
                                                  : std::nullopt);
  }
  throw std::logic_error("unknown CheckoutRefused");
}

boost::asio::awaitable<http::Response> checkout_route(WishlistContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  CheckoutRequest checkout_request{
      .customer_id = req.caller->id,
      .address_id = in.root().text("address_id", {.min = 1, .max = 64}).value_or(""),
      .product_ids = in.root().texts("product_ids", {.min = 1, .max = 64}, ctx.options.max_items,
                                     http::Presence::kOptional)};
  in.finish();
  co_return co_await ctx.idempotency.run(req, req.caller->id, [&](infra::db::Tx& tx) {
    const auto placed = checkout(ctx, tx, checkout_request);
    if (!placed) return to_problem(placed.error(), checkout_request).to_response();
    return http::json_response(201, order::to_json(*placed))
        .header("Location", "/api/v1/orders/" + placed->id);
  });
}

}  // namespace

void register_wishlist_routes(http::Router& router, WishlistContext& ctx) {
  using http::Method;
  const auto signed_in = http::Access::signed_in();
  router.add(
      Method::kGet, "/api/v1/wishlist", [&ctx](http::Request& r) { return list_route(ctx, r); }, signed_in);
  router.add(
      Method::kPut, "/api/v1/wishlist/items/{product_id}",
      [&ctx](http::Request& r) { return put_route(ctx, r); }, signed_in);
  router.add(
      Method::kDelete, "/api/v1/wishlist/items/{product_id}",
      [&ctx](http::Request& r) { return delete_route(ctx, r); }, signed_in);
  router.add(
      Method::kPost, "/api/v1/wishlist/checkout", [&ctx](http::Request& r) { return checkout_route(ctx, r); },
      signed_in);
}

}  // namespace shop::wishlist
