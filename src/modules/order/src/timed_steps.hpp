#pragma once

#include "order_context.hpp"

#include <cstdint>

// The steps of a paid order that time takes (API.md, Orders): paid -> shipping after ship_after
// (with a tracking number), shipping -> delivered after deliver_after, and return_requested ->
// returned after return_processing (the stock restocked; the payment module refunds on the
// OrderReturned this publishes).
namespace shop::order {

// Takes the steps that are due for a batch of orders, claimed with SKIP LOCKED so that several
// processes take each step once between them. Returns how many it took.
std::int64_t take_due_steps(const OrderContext& ctx, infra::db::Tx& tx);

}  // namespace shop::order
