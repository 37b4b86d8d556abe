#pragma once

#include "order_context.hpp"

// Placing an order: every input checked first, then one transaction's work.
namespace shop::order {

inline constexpr std::size_t kMaxOrderLines = 1000;
inline constexpr std::int64_t kMaxQuantity = 999;

// Every bad input at once: product ids, quantities 1..999, a product at most once, 1..1000 lines.
infra::domain::FieldErrors invalid_order_fields(const PlaceOrder& request);

// In `tx`: the shipping address snapshot, the reservation through the catalog, the order and its
// lines, OrderPlaced. A refusal leaves nothing: the catalog reserves a whole basket or nothing.
infra::domain::Outcome<Order, PlaceRefused> place_order(const OrderContext& ctx, infra::db::Tx& tx,
                                                        const PlaceOrder& request);

}  // namespace shop::order
