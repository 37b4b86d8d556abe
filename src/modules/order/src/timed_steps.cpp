#include "timed_steps.hpp"

#include "transitions.hpp"

#include "shop/infra/crypto/random.hpp"

namespace shop::order {
namespace {

using infra::db::Statement;

constexpr std::int64_t kStepBatch = 200;

constexpr Statement kClaimDue{"orders.claim_due_steps",
                              "SELECT id, status FROM orders.orders WHERE step_due_at <= $1"
                              " ORDER BY step_due_at LIMIT $2 FOR UPDATE SKIP LOCKED"};
constexpr Statement kShip{"orders.ship_delivery",
                          "UPDATE orders.deliveries SET status = 'shipping', shipped_at = $2,"
                          " tracking_number = $3 WHERE order_id = $1"};
constexpr Statement kDeliver{
    "orders.deliver_delivery",
    "UPDATE orders.deliveries SET status = 'delivered', delivered_at = $2 WHERE order_id = $1"};
constexpr Statement kReturned{"orders.return_delivery",
                              "UPDATE orders.deliveries SET returned_at = $2 WHERE order_id = $1"};

// A carrier's tracking number; the shop has no carrier yet, so it makes one up in a carrier's shape.
std::string tracking_number() {
  return "SHD" + infra::crypto::random_digits(12);
}

// The step due for an order in `status`; false if the order was somewhere without one (it cannot
// be: the claim locked it, and only the statuses below have a step due).
bool take_step(const OrderContext& ctx, infra::db::Tx& tx, const std::string& id, OrderStatus status) {
  const auto now = ctx.clock.now();
  switch (status) {
    case OrderStatus::kPaid:
      if (!transition(ctx, tx, id, OrderStatus::kPaid, OrderStatus::kShipping)) return false;
      tx.defer(kShip, id, now, tracking_number());
      return true;
    case OrderStatus::kShipping:
      if (!transition(ctx, tx, id, OrderStatus::kShipping, OrderStatus::kDelivered)) return false;
      tx.defer(kDeliver, id, now);
      return true;
    case OrderStatus::kReturnRequested:
      if (!transition(ctx, tx, id, OrderStatus::kReturnRequested, OrderStatus::kReturned)) return false;
      move_stock(ctx, tx, id, StockMove::kRestock);
      tx.defer(kReturned, id, now);
      return true;
    default:
      return false;
  }
}

}  // namespace

std::int64_t take_due_steps(const OrderContext& ctx, infra::db::Tx& tx) {
  std::int64_t taken = 0;
  for (const auto row : tx.query(kClaimDue, ctx.clock.now(), kStepBatch)) {
    const auto status = parse_status(row.text(1));
    if (status && take_step(ctx, tx, row.string(0), *status)) ++taken;
  }
  return taken;
}

}  // namespace shop::order
