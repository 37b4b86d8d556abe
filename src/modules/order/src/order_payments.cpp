#include "order_payments.hpp"

#include "order_store.hpp"
#include "transitions.hpp"

#include "shop/infra/domain/uuid.hpp"

#include <stdexcept>

namespace shop::order {
namespace {

using infra::domain::fail;
using Reason = PayRefused::Reason;

// The order's row is locked, so a cancel or the expiry job cannot move it between the checks and
// the flag.
constexpr infra::db::Statement kLockForPayment{
    "orders.lock_for_payment",
    "SELECT customer_id, status, expires_at, payment_in_flight, total_amount FROM orders.orders"
    " WHERE id = $1 FOR UPDATE"};
constexpr infra::db::Statement kStartPayment{
    "orders.start_payment",
    "UPDATE orders.orders SET payment_in_flight = true, updated_at = $2 WHERE id = $1"};

// A broken invariant: a pending order always holds its reservation.
void require(bool moved, std::string_view what, std::string_view order_id) {
  if (!moved) throw std::logic_error(std::string(what) + " of order " + std::string(order_id) + " failed");
}

}  // namespace

infra::domain::Outcome<Order, PayRefused> begin_payment(const OrderContext& ctx, infra::db::Tx& tx,
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
  tx.exec(kStartPayment, start.order_id, ctx.clock.now());
  return *load_order(ctx, tx, start.order_id);
}

bool payment_paid(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id) {
  if (!transition(ctx, tx, order_id, OrderStatus::kPendingPayment, OrderStatus::kPaid, std::nullopt, true)) {
    return false;
  }
  require(bool(ctx.catalog.commit(tx, order_id)), "selling the reservation", order_id);
  return true;
}

bool payment_declined(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id) {
  if (!transition(ctx, tx, order_id, OrderStatus::kPendingPayment, OrderStatus::kPaymentFailed, std::nullopt,
                  true)) {
    return false;
  }
  require(bool(ctx.catalog.release(tx, order_id)), "releasing the reservation", order_id);
  return true;
}

}  // namespace shop::order
