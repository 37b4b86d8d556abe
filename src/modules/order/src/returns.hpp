#pragma once

#include "order_context.hpp"

#include <optional>
#include <string>

// A customer's return of a delivered order (API.md, POST /orders/{id}/return): accepted within
// return_window after the delivery; the order is then return_requested, and the timed step after
// return_processing finishes it (timed_steps.hpp).
namespace shop::order {

enum class ReturnRefused { kNotFound, kNotDelivered, kWindowClosed };

struct ReturnRequest {
  std::string customer_id;
  std::string order_id;
  std::optional<std::string> reason = std::nullopt;
};

infra::domain::Outcome<Order, ReturnRefused> request_return(const OrderContext& ctx, infra::db::Tx& tx,
                                                            const ReturnRequest& request);

}  // namespace shop::order
