#include "transitions.hpp"

#include "shop/infra/events/outbox.hpp"

#include <stdexcept>

namespace shop::order {
namespace {

constexpr infra::db::Statement kTransition{
    "orders.transition",
    "UPDATE orders.orders SET status = $3, updated_at = $4, cancel_reason = COALESCE($5, cancel_reason),"
    " expires_at = NULL, payment_in_flight = false, step_due_at = $7"
    " WHERE id = $1 AND status = $2 AND payment_in_flight = $6 RETURNING customer_id, total_amount"};
constexpr infra::db::Statement kAbandonPayment{"orders.abandon_payment",
                                               "UPDATE orders.orders SET payment_in_flight = false, "
                                               "updated_at = $2 WHERE id = $1 AND payment_in_flight"};

// When the status an order enters takes its next timed step (API.md, Orders), if it has one.
std::optional<infra::clock::TimePoint> step_due(const OrderContext& ctx, OrderStatus entered) {
  const auto now = ctx.clock.now();
  switch (entered) {
    case OrderStatus::kPaid:
      return now + ctx.options.ship_after;
    case OrderStatus::kShipping:
      return now + ctx.options.deliver_after;
    case OrderStatus::kReturnRequested:
      return now + ctx.options.return_processing;
    default:
      return std::nullopt;
  }
}

}  // namespace

bool transition(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id, OrderStatus from,
                OrderStatus to, std::optional<std::string> reason, bool payment_in_flight) {
  const Transition* t = find_transition({.from = from, .to = to});
  if (t == nullptr) {
    throw std::logic_error(std::string("no transition from ") + std::string(status_name(from)) + " to " +
                           std::string(status_name(to)));
  }
  const auto row = tx.query(kTransition, order_id, status_name(from), status_name(to), ctx.clock.now(),
                            reason, payment_in_flight, step_due(ctx, to))
                       .first();
  if (!row) return false;
  infra::events::publish(
      tx, t->event_type, 1,
      boost::json::object{
          {"order_id", order_id}, {"customer_id", row->text(0)}, {"total_amount", row->integer(1)}});
  return true;
}

void move_stock(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id, StockMove move) {
  const auto moved = move == StockMove::kRelease ? ctx.catalog.release(tx, order_id)
                     : move == StockMove::kSell  ? ctx.catalog.commit(tx, order_id)
                                                 : ctx.catalog.restock(tx, order_id);
  if (!moved) {
    constexpr std::string_view kWhat[] = {"releasing", "selling", "restocking"};
    throw std::logic_error(std::string(kWhat[static_cast<int>(move)]) + " the reservation of order " +
                           std::string(order_id) + " failed");
  }
}

void abandon_payment(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id) {
  tx.defer(kAbandonPayment, order_id, ctx.clock.now());
}

}  // namespace shop::order
