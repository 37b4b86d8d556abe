#pragma once

#include "order_context.hpp"

// The order's side of its payment: whether it may be paid now, and what each outcome does to it.
namespace shop::order {

infra::domain::Outcome<Order, PayRefused> begin_payment(const OrderContext& ctx, infra::db::Tx& tx,
                                                        const PaymentStart& start);
// pending_payment -> paid and the reservation sold, or pending_payment -> payment_failed and the
// stock released; false if the order had no payment in flight.
bool payment_paid(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id);
bool payment_declined(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id);

}  // namespace shop::order
