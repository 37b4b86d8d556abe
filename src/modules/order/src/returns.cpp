#include "returns.hpp"

#include "order_store.hpp"
#include "transitions.hpp"

#include "shop/infra/domain/uuid.hpp"

namespace shop::order {
namespace {

using infra::domain::fail;

constexpr infra::db::Statement kRecordReturn{
    "orders.record_return",
    "UPDATE orders.deliveries SET return_reason = $2, return_requested_at = $3 WHERE order_id = $1"};

}  // namespace

infra::domain::Outcome<Order, ReturnRefused> request_return(const OrderContext& ctx, infra::db::Tx& tx,
                                                            const ReturnRequest& r) {
  if (!infra::domain::is_uuid(r.order_id)) return fail(ReturnRefused::kNotFound);
  const auto order = load_order(ctx, tx, r.order_id);
  if (!order || order->customer_id != r.customer_id) return fail(ReturnRefused::kNotFound);
  if (order->status != OrderStatus::kDelivered || !order->delivery || !order->delivery->delivered_at) {
    return fail(ReturnRefused::kNotDelivered);
  }
  const auto now = ctx.clock.now();
  if (now >= *order->delivery->delivered_at + ctx.options.return_window) {
    return fail(ReturnRefused::kWindowClosed);
  }
  // Nothing else moves a delivered order, but a second request at the same moment finds it moved.
  if (!transition(ctx, tx, r.order_id, OrderStatus::kDelivered, OrderStatus::kReturnRequested)) {
    return fail(ReturnRefused::kNotDelivered);
  }
  tx.defer(kRecordReturn, r.order_id, r.reason, now);
  return *load_order(ctx, tx, r.order_id);
}

}  // namespace shop::order
