#include "transitions.hpp"

#include "shop/infra/events/outbox.hpp"

#include <stdexcept>

namespace shop::order {
namespace {

constexpr infra::db::Statement kTransition{
    "orders.transition",
    "UPDATE orders.orders SET status = $3, updated_at = $4, cancel_reason = COALESCE($5, cancel_reason),"
    " expires_at = NULL, payment_in_flight = false"
    " WHERE id = $1 AND status = $2 AND payment_in_flight = $6 RETURNING customer_id, total_amount"};
constexpr infra::db::Statement kAbandonPayment{"orders.abandon_payment",
                                               "UPDATE orders.orders SET payment_in_flight = false, "
                                               "updated_at = $2 WHERE id = $1 AND payment_in_flight"};

}  // namespace

bool transition(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id, OrderStatus from,
                OrderStatus to, std::optional<std::string> reason, bool payment_in_flight) {
  const Transition* t = find_transition({.from = from, .to = to});
  if (t == nullptr) {
    throw std::logic_error(std::string("no transition from ") + std::string(status_name(from)) + " to " +
                           std::string(status_name(to)));
  }
  const auto row = tx.query(kTransition, order_id, status_name(from), status_name(to), ctx.clock.now(),
                            reason, payment_in_flight)
                       .first();
  if (!row) return false;
  infra::events::publish(
      tx, t->event_type, 1,
      boost::json::object{
          {"order_id", order_id}, {"customer_id", row->text(0)}, {"total_amount", row->integer(1)}});
  return true;
}

void abandon_payment(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id) {
  tx.exec(kAbandonPayment, order_id, ctx.clock.now());
}

}  // namespace shop::order
