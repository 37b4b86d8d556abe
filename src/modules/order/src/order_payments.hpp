#pragma once

#include "order_context.hpp"

// The order's side of its payment: whether it may be paid now, and what each outcome does to it.
namespace shop::order {

infra::domain::Outcome<PayableOrder, PayRefused> begin_payment(const OrderContext& ctx, infra::db::Tx& tx,
                                                               const PaymentStart& start);
// pending_payment -> paid and the reservation sold, or pending_payment -> payment_failed and the
// stock released; false if the order had no payment in flight.
bool payment_paid(const OrderContext& ctx, infra::db::Tx& tx, const PaidWith& payment);
bool payment_declined(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id);

// The refund of a cancelled or returned order's payment, as the payment module reports it.
void payment_refunded(infra::db::Tx& tx, std::string_view order_id, infra::clock::TimePoint at);

}  // namespace shop::order
