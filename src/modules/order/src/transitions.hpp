#pragma once

#include "order_context.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace shop::order {

// Moves an order along one transition of the table (order_status.hpp) with a single conditional
// UPDATE from the expected status, and publishes the transition's event in `tx`. False if the order
// was not in `from`: another change won the race, and nothing happened.
bool transition(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id, OrderStatus from,
                OrderStatus to, std::optional<std::string> reason = std::nullopt);

}  // namespace shop::order
