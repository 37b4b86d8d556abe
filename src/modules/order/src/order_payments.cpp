#include "order_payments.hpp"

#include "transitions.hpp"

#include "shop/infra/domain/uuid.hpp"

namespace shop::order {
namespace {

using infra::domain::fail;
using Reason = PayRefused::Reason;

// The order's row is locked, so a cancel or the expiry job cannot move it between the checks and
// the flag.
constexpr infra::db::Statement kLockForPayment{"orders.lock_for_payment",
                                               "SELECT customer_id, status, expires_at, payment_in_flight, "
                                               "total_amount, payment_order_id FROM orders.orders"
                                               " WHERE id = $1 FOR UPDATE"};
constexpr infra::db::Statement kStartPayment{
    "orders.start_payment",
    "UPDATE orders.orders SET payment_in_flight = true, updated_at = $2 WHERE id = $1"};

// The order's copy of its payment, and its delivery, created preparing.
constexpr infra::db::Statement kRecordPayment{
    "orders.record_payment",
    "WITH d AS (INSERT INTO orders.deliveries (order_id, status, created_at) VALUES ($1, 'preparing', $4))"
    " UPDATE orders.orders SET payment_id = $2, payment_method = $3, paid_at = $4 WHERE id = $1"};
constexpr infra::db::Statement kRecordRefund{
    "orders.record_refund",
    "UPDATE orders.orders SET refunded_at = $2, updated_at = $2 WHERE id = $1 AND refunded_at IS NULL"};

}  // namespace

infra::domain::Outcome<PayableOrder, PayRefused> begin_payment(const OrderContext& ctx, infra::db::Tx& tx,
                                                               const PaymentStart& start) {
  if (!infra::domain::is_uuid(start.order_id)) return fail(PayRefused{});
  const auto row = tx.query(kLockForPayment, start.order_id).first();
  if (!row || row->text(0) != start.customer_id) return fail(PayRefused{});
  const auto expires = row->optional_time(2);
  if (row->text(1) != status_name(OrderStatus::kPendingPayment) || row->boolean(3) || !expires ||
      *expires <= ctx.clock.now()) {
    return fail(PayRefused{.reason = Reason::kNotPayable});
  }
  if (row->integer(4) != start.amount) {
    return fail(PayRefused{.reason = Reason::kAmountMismatch, .total = row->integer(4)});
  }
  tx.defer(kStartPayment, start.order_id, ctx.clock.now());
  return PayableOrder{.payment_order_id = row->string(5)};
}

bool payment_paid(const OrderContext& ctx, infra::db::Tx& tx, const PaidWith& payment) {
  const auto& order_id = payment.order_id;
  if (!transition(ctx, tx, order_id, OrderStatus::kPendingPayment, OrderStatus::kPaid, std::nullopt, true)) {
    return false;
  }
  move_stock(ctx, tx, order_id, StockMove::kSell);
  tx.defer(kRecordPayment, order_id, payment.payment_id, payment.method, payment.paid_at);
  return true;
}

void payment_refunded(infra::db::Tx& tx, std::string_view order_id, infra::clock::TimePoint at) {
  tx.defer(kRecordRefund, order_id, at);
}

bool payment_declined(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id) {
  if (!transition(ctx, tx, order_id, OrderStatus::kPendingPayment, OrderStatus::kPaymentFailed, std::nullopt,
                  true)) {
    return false;
  }
  move_stock(ctx, tx, order_id, StockMove::kRelease);
  return true;
}

}  // namespace shop::order
