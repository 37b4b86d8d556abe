#include "refunds.hpp"

#include "settlements.hpp"

#include "shop/payment/payment_events.hpp"

#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/crypto/random.hpp"
#include "shop/infra/events/outbox.hpp"
#include "shop/infra/http/json_values.hpp"
#include "shop/infra/log/log.hpp"

#include <algorithm>

namespace shop::payment {
namespace {

using infra::db::Statement;
using infra::db::Tx;

constexpr Statement kCompletedOfOrder{
    "payments.completed_of_order",
    "SELECT id, amount FROM payments.payments WHERE order_id = $1 AND status = 'completed'"};
constexpr Statement kInsert{
    "payments.insert_refund",
    "INSERT INTO payments.refunds (id, payment_id, order_id, amount, reason, status, next_attempt_at,"
    " requested_at) VALUES ($1, $2, $3, $4, $5, 'requested', $6, $6) ON CONFLICT (payment_id) DO NOTHING"};
// Leases a batch to this process until $2: another process skips it meanwhile.
constexpr Statement kClaimDue{
    "payments.claim_due_refunds",
    "UPDATE payments.refunds r SET next_attempt_at = $2, attempts = r.attempts + 1"
    " FROM payments.payments p WHERE p.id = r.payment_id AND r.id IN (SELECT id FROM payments.refunds"
    " WHERE status = 'requested' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT 20"
    " FOR UPDATE SKIP LOCKED)"
    " RETURNING r.id, r.payment_id, r.order_id, r.amount, r.reason, r.attempts, p.payment_key, "
    "p.customer_id"};
constexpr Statement kComplete{
    "payments.complete_refund",
    "UPDATE payments.refunds SET status = 'completed', refunded_at = $2, next_attempt_at = NULL,"
    " last_error = NULL WHERE id = $1 AND status = 'requested'"};
constexpr Statement kPaymentRefunded{"payments.mark_refunded",
                                     "UPDATE payments.payments SET status = 'refunded', updated_at = $2 "
                                     "WHERE id = $1 AND status = 'completed'"};
constexpr Statement kRetryLater{"payments.retry_refund",
                                "UPDATE payments.refunds SET next_attempt_at = $2, last_error = $3 WHERE id "
                                "= $1 AND status = 'requested'"};
constexpr Statement kOfPayment{
    "payments.refunds_of_payment",
    "SELECT id, amount, reason, status, requested_at, refunded_at FROM payments.refunds"
    " WHERE payment_id = $1 ORDER BY requested_at"};
constexpr Statement kCountPending{"payments.count_pending_refunds",
                                  "SELECT count(*) FROM payments.refunds WHERE status = 'requested'"};

// A refund the gateway failed is asked again after refund_backoff, doubled per attempt up to an hour.
constexpr auto kLongestBackoff = std::chrono::milliseconds(3600 * 1000);

struct DueRefund {
  std::string id;
  std::string payment_id;
  std::string order_id;
  std::int64_t amount = 0;
  std::string reason;
  std::int64_t attempts = 0;
  std::string payment_key;
  std::string customer_id;
};

std::chrono::milliseconds backoff(const PaymentContext& ctx, std::int64_t attempts) {
  auto wait = ctx.options.refund_backoff;
  for (std::int64_t i = 1; i < attempts && wait < kLongestBackoff; ++i) wait *= 2;
  return std::min(wait, kLongestBackoff);
}

// Records what the gateway said about `r`; true if this call recorded it as done.
bool record(PaymentContext& ctx, Tx& tx, const DueRefund& r, const RefundAnswer& answer) {
  const auto now = ctx.clock.now();
  if (!answer.refunded) {
    tx.defer(kRetryLater, r.id, now + backoff(ctx, r.attempts), answer.error);
    return false;
  }
  if (tx.exec(kComplete, r.id, now) == 0) return false;
  tx.defer(kPaymentRefunded, r.payment_id, now);
  ctx.orders.refunded(tx, r.order_id, now);
  infra::events::publish(tx, PaymentRefunded{.payment_id = r.payment_id,
                                             .order_id = r.order_id,
                                             .customer_id = r.customer_id,
                                             .amount = r.amount});
  return true;
}

}  // namespace

void request_refund(const PaymentContext& ctx, Tx& tx, std::string_view order_id, std::string_view reason) {
  const auto payment = tx.query(kCompletedOfOrder, order_id).first();
  if (!payment) return;
  const auto payment_id = payment->string(0);
  const auto now = ctx.clock.now();
  if (tx.exec(kInsert, infra::crypto::random_uuid(), payment_id, order_id, payment->integer(1), reason,
              now) == 0) {
    return;
  }
  if (const auto settled = reverse_settlements(tx, payment_id); settled > 0) {
    // Paid out already: the seller's next payout has to make up for it, which is beyond this shop.
    infra::log::warn("payment", "refund of a payment already settled to its sellers",
                     {{"payment_id", payment_id}, {"settled_rows", settled}});
  }
}

std::size_t refund_due(PaymentContext& ctx) {
  auto claim = [&](Tx& tx) {
    const auto now = ctx.clock.now();
    std::vector<DueRefund> due;
    for (const auto row : tx.query(kClaimDue, now, now + ctx.options.reconcile_after)) {
      due.push_back({.id = row.string(0),
                     .payment_id = row.string(1),
                     .order_id = row.string(2),
                     .amount = row.integer(3),
                     .reason = row.string(4),
                     .attempts = row.integer(5),
                     .payment_key = row.string(6),
                     .customer_id = row.string(7)});
    }
    return due;
  };
  std::size_t done = 0;
  for (const auto& r : ctx.db.transact_blocking(claim)) {
    const auto answer = ctx.gateway.cancel_blocking({.payment_key = r.payment_key,
                                                     .idempotency_key = "refund-" + r.id,
                                                     .reason = r.reason,
                                                     .amount = r.amount});
    auto write = [&](Tx& tx) { return record(ctx, tx, r, answer); };
    if (ctx.db.transact_blocking(write)) {
      ++done;
      if (ctx.refunds_done != nullptr) ctx.refunds_done->add();
      infra::log::info("payment", "refunded a payment", {{"payment_id", r.payment_id}, {"amount", r.amount}});
    } else if (!answer.refunded) {
      if (ctx.refund_failures != nullptr) ctx.refund_failures->add();
      infra::log::warn("payment", "the gateway did not refund; trying again later",
                       {{"payment_id", r.payment_id}, {"attempt", r.attempts}, {"error", answer.error}});
    }
  }
  return done;
}

boost::json::array refunds_json(Tx& tx, std::string_view payment_id) {
  using infra::clock::format_rfc3339;
  boost::json::array refunds;
  for (const auto row : tx.query(kOfPayment, payment_id)) {
    refunds.push_back({{"refund_id", row.string(0)},
                       {"amount", row.integer(1)},
                       {"reason", row.string(2)},
                       {"status", row.string(3)},
                       {"requested_at", format_rfc3339(row.time(4))},
                       {"refunded_at", infra::http::time_or_null(row.optional_time(5))}});
  }
  return refunds;
}

std::int64_t pending_refunds(Tx& tx) {
  return tx.query(kCountPending)[0].integer(0);
}

}  // namespace shop::payment
