#include "shop/order/orders.hpp"

#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/http/json_values.hpp"

namespace shop::order {
namespace {

using infra::clock::format_rfc3339;
using infra::http::json_or_null;
using infra::http::time_or_null;

boost::json::value delivery_json(const std::optional<Delivery>& d) {
  if (!d) return nullptr;
  return {{"status", d->status},
          {"shipped_at", time_or_null(d->shipped_at)},
          {"delivered_at", time_or_null(d->delivered_at)},
          {"tracking_number", json_or_null(d->tracking_number)},
          {"return_reason", json_or_null(d->return_reason)},
          {"return_requested_at", time_or_null(d->return_requested_at)},
          {"returned_at", time_or_null(d->returned_at)}};
}

// completed, refund_pending (cancelled or returned, the gateway not yet done) or refunded.
std::string_view payment_status(const Order& o) {
  if (o.payment->refunded_at) return "refunded";
  if (o.status == OrderStatus::kCancelled || o.status == OrderStatus::kReturned) return "refund_pending";
  return "completed";
}

boost::json::value payment_json(const Order& o) {
  if (!o.payment) return nullptr;
  return {{"payment_id", o.payment->payment_id},
          {"status", payment_status(o)},
          {"method", json_or_null(o.payment->method)},
          {"paid_at", format_rfc3339(o.payment->paid_at)},
          {"refunded_at", time_or_null(o.payment->refunded_at)}};
}

}  // namespace

boost::json::object to_json(const Order& o) {
  boost::json::array items;
  std::int64_t total = 0;
  for (const auto& l : o.items) {
    items.push_back({{"product_id", l.product_id},
                     {"name", l.name},
                     {"unit_price", l.unit_price},
                     {"quantity", l.quantity},
                     {"line_total", l.line_total()}});
    total += l.line_total();
  }
  return {{"id", o.id},
          {"status", status_name(o.status)},
          {"items", std::move(items)},
          // The lines shown add up to it: a seller sees the total of their own lines.
          {"total_amount", total},
          {"currency", "KRW"},
          {"payment_order_id", o.payment_order_id},
          {"shipping_address", o.shipping_address},
          {"expires_at", time_or_null(o.expires_at)},
          {"delivery", delivery_json(o.delivery)},
          {"payment", payment_json(o)},
          {"created_at", format_rfc3339(o.created_at)},
          {"updated_at", format_rfc3339(o.updated_at)}};
}

}  // namespace shop::order
