#pragma once

#include "payment_context.hpp"

#include <boost/json/array.hpp>

#include <cstdint>
#include <string_view>

// Refunds: a paid order that is cancelled or returned gets its payment back in full. The refund is
// written when the order's event is handled (in that delivery's transaction, so a crash cannot lose
// it), and then asked of the gateway (POST /v1/payments/{paymentKey}/cancel) outside any
// transaction, under the refund's id as Idempotency-Key, until the gateway has done it.
namespace shop::payment {

// In `tx`: a refund of the order's completed payment, and its pending settlements reversed. An
// order without a completed payment (cancelled before it was paid) has nothing to refund; a second
// request for the same payment changes nothing.
void request_refund(const PaymentContext& ctx, infra::db::Tx& tx, std::string_view order_id,
                    std::string_view reason);

// Asks the gateway for a batch of requested refunds whose time has come: each one done is recorded
// with the payment `refunded`, the order told and PaymentRefunded published; each one that failed
// is tried again later, backing off. Returns how many were done. Called from the reconciliation
// thread.
std::size_t refund_due(PaymentContext& ctx);

// The payment's refunds: [{"refund_id","amount","reason","status","requested_at","refunded_at"}].
boost::json::array refunds_json(infra::db::Tx& tx, std::string_view payment_id);
// Refunds the gateway has not done yet, for /metrics.
std::int64_t pending_refunds(infra::db::Tx& tx);

}  // namespace shop::payment
