#include "payments.hpp"
#include "refunds.hpp"
#include "routes.hpp"
#include "settlements.hpp"

#include "shop/infra/http/json_input.hpp"
#include "shop/infra/http/page.hpp"
#include "shop/infra/http/problems.hpp"

#include <fmt/format.h>

#include <chrono>

namespace shop::payment {
namespace {

namespace http = infra::http;
using Reason = ConfirmRefused::Reason;

// An Idempotency-Key whose confirm has not answered for this long was abandoned by a process that
// died: far longer than a confirm can take with the gateway's retries (some 12 s by default).
// Running it again is safe, since the payment key's own record stops a second charge.
constexpr std::chrono::seconds kConfirmAbandonedAfter{120};

// Gateway payment keys: what the widget hands the client, safe in a URL path.
bool is_payment_key(std::string_view key) {
  return key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
         std::string_view::npos;
}

http::Problem to_problem(const ConfirmRefused& r) {
  switch (r.reason) {
    case Reason::kOrderNotFound:
      return http::not_found("There is no such order of yours.");
    case Reason::kNotPayable:
      return http::conflict(
          "order_not_payable", "Order not payable",
          "The order is not waiting for a payment: it is paid, cancelled, expired, or another "
          "payment of it is under way.");
    case Reason::kAmountMismatch:
      return http::conflict("amount_mismatch", "Amount mismatch",
                            fmt::format("The order costs {}; the amount must be exactly that.", r.total));
    case Reason::kKeyInUse:
      return http::conflict("payment_key_in_use", "Payment key in use",
                            "This payment key belongs to another order.");
    case Reason::kDeclined:
      return http::Problem(402, "payment_declined", "Payment declined",
                           r.message.empty() ? "The payment gateway declined the payment." : r.message);
    case Reason::kUnavailable:
      return http::service_unavailable(
          "payment_gateway_unavailable", r.retry_after,
          "The payment gateway cannot be reached now; nothing was charged. Try again.");
    case Reason::kGatewayError:
      return http::Problem(502, "payment_gateway_error", "Payment gateway error",
                           "The payment gateway failed the payment; nothing was charged. Try again.");
  }
  throw std::logic_error("unknown ConfirmRefused");
}

boost::asio::awaitable<http::Response> confirm_route(PaymentContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  ConfirmRequest confirm{
      .customer_id = req.caller->id,
      .order_id = in.root().text("order_id", {.min = 1, .max = 64}).value_or(""),
      .payment_key = in.root()
                         .text("payment_key", {.min = 1,
                                               .max = 200,
                                               .check = is_payment_key,
                                               .check_message = "must be letters, digits, '-' and '_'"})
                         .value_or(""),
      .amount = in.root().integer("amount", 1, 100'000'000'000).value_or(0)};
  in.finish();
  co_return co_await ctx.idempotency.run_spanning(
      req, req.caller->id, kConfirmAbandonedAfter, [&]() -> boost::asio::awaitable<http::Response> {
        const auto paid = co_await confirm_payment(ctx, std::move(confirm));
        if (!paid) co_return to_problem(paid.error()).to_response();
        // A key confirmed before answers as its payment stands now: completed, or refunded since.
        co_return http::json_response(paid->status == PaymentStatus::kPending ? 202 : 200, to_json(*paid));
      });
}

boost::asio::awaitable<http::Response> get_route(PaymentContext& ctx, http::Request& req) {
  const std::string id(req.param("id"));
  struct Found {
    Payment payment;
    boost::json::array refunds;
  };
  auto read = [&](infra::db::Tx& tx) -> std::optional<Found> {
    auto payment = find_payment(tx, id);
    if (!payment) return std::nullopt;
    return Found{*std::move(payment), refunds_json(tx, id)};
  };
  const auto found = co_await ctx.db.transact(read);
  // Another customer's payment answers 404, like an unknown one.
  if (!found || (found->payment.customer_id != req.caller->id && req.caller->role != "admin")) {
    throw http::not_found("There is no such payment.");
  }
  auto body = to_json(found->payment);
  body["refunds"] = found->refunds;
  co_return http::json_response(200, std::move(body));
}

boost::asio::awaitable<http::Response> settlements_route(PaymentContext& ctx, http::Request& req) {
  infra::domain::FieldErrors errors;
  SettlementFilter filter{.seller_id = req.caller->id};
  if (const auto status = req.query_param("status")) {
    if (*status != "pending" && *status != "settled" && *status != "reversed") {
      errors.push_back({"status", "must be pending, settled or reversed"});
    }
    filter.status = std::string(*status);
  }
  const auto page = http::read_page_request(req, "settlements", errors);
  filter.limit = page.limit + 1;
  if (auto after = http::read_time_id_key(page, errors)) {
    filter.after_sold = after->time;
    filter.after_id = std::move(after->id);
  }
  if (!errors.empty()) throw http::validation_failed(std::move(errors));
  auto read = [&](infra::db::Tx& tx) { return list_settlements(tx, filter); };
  auto rows = co_await ctx.db.transact(read);
  std::optional<std::string> next;
  if (rows.size() == filter.limit) {
    rows.pop_back();
    next = http::encode_time_id_cursor("settlements", {rows.back().sold_at, rows.back().id});
  }
  boost::json::array items;
  for (auto& r : rows) items.push_back(std::move(r.json));
  co_return http::json_response(200, http::page_json(std::move(items), next));
}

}  // namespace

void register_payment_routes(http::Router& router, PaymentContext& ctx) {
  using http::Method;
  router.add(
      Method::kPost, "/api/v1/payments/confirm", [&ctx](http::Request& r) { return confirm_route(ctx, r); },
      http::Access::signed_in());
  router.add(
      Method::kGet, "/api/v1/payments/{id}", [&ctx](http::Request& r) { return get_route(ctx, r); },
      http::Access::signed_in());
  router.add(
      Method::kGet, "/api/v1/seller/settlements",
      [&ctx](http::Request& r) { return settlements_route(ctx, r); },
      http::Access::roles({"seller", "admin"}));
}

}  // namespace shop::payment
