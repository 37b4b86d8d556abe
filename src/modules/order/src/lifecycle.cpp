#include "lifecycle.hpp"

#include "order_store.hpp"
#include "transitions.hpp"

#include "shop/infra/domain/uuid.hpp"

namespace shop::order {
namespace {

using infra::domain::fail;

constexpr std::int64_t kExpiryBatch = 200;

constexpr infra::db::Statement kClaimExpired{"orders.claim_expired",
                                             "SELECT id FROM orders.orders WHERE status = 'pending_payment' "
                                             "AND NOT payment_in_flight AND expires_at <= $1"
                                             " ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED"};

constexpr infra::db::Statement kCancelDelivery{
    "orders.cancel_delivery", "UPDATE orders.deliveries SET status = 'cancelled' WHERE order_id = $1"};

}  // namespace

infra::domain::Outcome<Order, CancelRefused> cancel_order(const OrderContext& ctx, infra::db::Tx& tx,
                                                          const CancelRequest& r) {
  if (!infra::domain::is_uuid(r.order_id)) return fail(CancelRefused::kNotFound);
  const auto order = load_order(ctx, tx, r.order_id);
  if (!order || order->customer_id != r.customer_id) return fail(CancelRefused::kNotFound);
  const bool paid = order->status == OrderStatus::kPaid;
  const auto from = paid ? OrderStatus::kPaid : OrderStatus::kPendingPayment;
  if (!transition(ctx, tx, r.order_id, from, OrderStatus::kCancelled, r.reason)) {
    return fail(CancelRefused::kCannotCancel);
  }
  move_stock(ctx, tx, r.order_id, paid ? StockMove::kRestock : StockMove::kRelease);
  if (paid) tx.exec(kCancelDelivery, r.order_id);
  return *load_order(ctx, tx, r.order_id);
}

std::int64_t expire_due(const OrderContext& ctx, infra::db::Tx& tx) {
  std::int64_t expired = 0;
  for (const auto row : tx.query(kClaimExpired, ctx.clock.now(), kExpiryBatch)) {
    const auto id = row.string(0);
    // The row is locked by the claim, so nothing else can move it first.
    if (!transition(ctx, tx, id, OrderStatus::kPendingPayment, OrderStatus::kExpired)) continue;
    move_stock(ctx, tx, id, StockMove::kRelease);
    ++expired;
  }
  return expired;
}

}  // namespace shop::order
