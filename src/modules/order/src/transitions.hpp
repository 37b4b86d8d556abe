#pragma once

#include "order_context.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace shop::order {

// Moves an order along one transition of the table (order_status.hpp) with a single conditional
// UPDATE from the expected status, and publishes the transition's event in `tx`. False if the order
// was not in `from` (or its payment_in_flight differs): another change won the race, and nothing
// happened. A pending order with a payment in flight moves only by its payment's outcome.
bool transition(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id, OrderStatus from,
                OrderStatus to, std::optional<std::string> reason = std::nullopt,
                bool payment_in_flight = false);

// The stock side of a transition, through the catalog's reservation of the order: released when an
// unpaid order ends, sold when it is paid, restocked when a paid order is cancelled or returned.
enum class StockMove { kRelease, kSell, kRestock };
// The reservation not being where the order's status says it is (an order pending payment always
// holds its stock) is a broken invariant: it throws, and the transaction rolls back.
void move_stock(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id, StockMove move);

// A payment the gateway never acted on: the order is payable, and may expire, again.
void abandon_payment(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id);

}  // namespace shop::order
