#pragma once

#include "order_context.hpp"

#include <cstdint>
#include <string>

// An order's end before it ships: the customer's cancel and the expiry job. An unpaid order's stock
// is released, a paid one's restocked, in the transaction that moves it.
namespace shop::order {

enum class CancelRefused { kNotFound, kCannotCancel };

struct CancelRequest {
  std::string customer_id;
  std::string order_id;
  std::optional<std::string> reason = std::nullopt;
};

// pending_payment -> cancelled (stock released), or paid -> cancelled (stock restocked, delivery
// cancelled; the payment module refunds the payment on the OrderCancelled this publishes). An order
// that is shipping or later, or has a payment in flight, is kCannotCancel, and so is a cancel that
// loses a race (the order expired, was paid or shipped a moment before).
infra::domain::Outcome<Order, CancelRefused> cancel_order(const OrderContext& ctx, infra::db::Tx& tx,
                                                          const CancelRequest& request);

// pending_payment -> expired for a batch of orders past their payment_ttl, claimed with SKIP LOCKED
// so that two processes never expire the same order. Returns how many expired.
std::int64_t expire_due(const OrderContext& ctx, infra::db::Tx& tx);

}  // namespace shop::order
