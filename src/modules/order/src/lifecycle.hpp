#pragma once

#include "order_context.hpp"

#include <cstdint>
#include <string>

// The unpaid part of an order's life: the customer's cancel and the expiry job. Both release the
// order's stock in the transaction that moves it.
namespace shop::order {

enum class CancelRefused { kNotFound, kCannotCancel };

struct CancelRequest {
  std::string customer_id;
  std::string order_id;
  std::optional<std::string> reason = std::nullopt;
};

// pending_payment -> cancelled. A cancel that loses a race (the order expired, or was paid, a moment
// before) is kCannotCancel, like a cancel of an order that is past it.
infra::domain::Outcome<Order, CancelRefused> cancel_unpaid(const OrderContext& ctx, infra::db::Tx& tx,
                                                           const CancelRequest& request);

// pending_payment -> expired for a batch of orders past their payment_ttl, claimed with SKIP LOCKED
// so that two processes never expire the same order. Returns how many expired.
std::int64_t expire_due(const OrderContext& ctx, infra::db::Tx& tx);

}  // namespace shop::order
