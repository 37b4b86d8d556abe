#include "payments.hpp"

#include "settlements.hpp"

#include "shop/payment/payment_events.hpp"

#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/crypto/random.hpp"
#include "shop/infra/domain/uuid.hpp"
#include "shop/infra/events/outbox.hpp"
#include "shop/infra/http/json_values.hpp"
#include "shop/infra/log/log.hpp"

#include <array>
#include <stdexcept>

namespace shop::payment {
namespace {

using infra::db::Row;
using infra::db::Statement;
using infra::db::Tx;
using infra::domain::fail;
using Kind = GatewayAnswer::Kind;
using Reason = ConfirmRefused::Reason;

#define SHOP_PAYMENT_COLUMNS \
  "id, order_id, customer_id, payment_key, amount, status, method, approved_at, failure_code, created_at"

// Confirms of one key one after another: the second finds the payment the first recorded.
constexpr Statement kLockKey{"payments.lock_key",
                             "SELECT pg_advisory_xact_lock(hashtextextended('payment:' || $1, 0))"};
constexpr Statement kByKey{"payments.by_key",
                           "SELECT " SHOP_PAYMENT_COLUMNS " FROM payments.payments WHERE payment_key = $1"};
constexpr Statement kById{"payments.by_id",
                          "SELECT " SHOP_PAYMENT_COLUMNS " FROM payments.payments WHERE id = $1"};
constexpr Statement kInsert{
    "payments.insert",
    "INSERT INTO payments.payments (id, order_id, customer_id, payment_key, amount, status, next_check_at,"
    " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $7)"};
// A key the gateway never acted on (not_charged) is confirmed again under the same row.
constexpr Statement kRetry{
    "payments.retry",
    "UPDATE payments.payments SET status = 'pending', failure_code = NULL, next_check_at = $2,"
    " updated_at = $3 WHERE id = $1 AND status = 'failed'"};
// Each ending is conditional on the payment still being pending, so the confirm that waited for
// the answer and the reconciliation that asked later record it once between them.
constexpr Statement kComplete{
    "payments.complete",
    "UPDATE payments.payments SET status = 'completed', method = $2, approved_at = $3, next_check_at = NULL,"
    " updated_at = $4 WHERE id = $1 AND status = 'pending'"};
constexpr Statement kFail{
    "payments.fail",
    "UPDATE payments.payments SET status = 'failed', failure_code = $2, next_check_at = NULL,"
    " updated_at = $3 WHERE id = $1 AND status = 'pending'"};
constexpr Statement kAskSoon{
    "payments.ask_soon",
    "UPDATE payments.payments SET next_check_at = $2 WHERE id = $1 AND status = 'pending'"};
// Leases a batch to this process until next_check_at: another process skips it meanwhile.
constexpr Statement kClaimDue{
    "payments.claim_due",
    "UPDATE payments.payments SET next_check_at = $2 WHERE id IN (SELECT id FROM payments.payments"
    " WHERE status = 'pending' AND next_check_at <= $1 ORDER BY next_check_at LIMIT 20 FOR UPDATE SKIP "
    "LOCKED)"
    " RETURNING " SHOP_PAYMENT_COLUMNS};
constexpr Statement kCountPending{"payments.count_pending",
                                  "SELECT count(*) FROM payments.payments WHERE status = 'pending'"};

constexpr std::array<std::pair<PaymentStatus, std::string_view>, 4> kStatusNames{{
    {PaymentStatus::kPending, "pending"},
    {PaymentStatus::kCompleted, "completed"},
    {PaymentStatus::kFailed, "failed"},
    {PaymentStatus::kRefunded, "refunded"},
}};

std::string_view status_name(PaymentStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "pending";
}

Payment payment_from(const Row& row) {
  Payment p{.id = row.string(0),
            .order_id = row.string(1),
            .customer_id = row.string(2),
            .payment_key = row.string(3),
            .amount = row.integer(4)};
  for (const auto& [s, name] : kStatusNames) {
    if (name == row.text(5)) p.status = s;
  }
  if (!row.is_null(6)) p.method = row.string(6);
  p.approved_at = row.optional_time(7);
  if (!row.is_null(8)) p.failure_code = row.string(8);
  p.created_at = row.time(9);
  return p;
}

// What a payment that ended before says now, to a confirm of the same key.
infra::domain::Outcome<Payment, ConfirmRefused> as_answered(const Payment& p) {
  if (p.status != PaymentStatus::kFailed) return p;
  if (p.failure_code == "not_charged") return fail(ConfirmRefused{.reason = Reason::kGatewayError});
  return fail(ConfirmRefused{.reason = Reason::kDeclined, .code = p.failure_code.value_or("")});
}

// Records the gateway's answer about `p` and what it causes, in `tx`. Returns whether this call
// ended the payment (false: it had ended before, or the answer is not known yet).
bool record_answer(PaymentContext& ctx, Tx& tx, const Payment& p, const GatewayAnswer& answer) {
  const auto now = ctx.clock.now();
  switch (answer.kind) {
    case Kind::kDone: {
      if (tx.exec(kComplete, p.id, answer.method, answer.approved_at.value_or(now), now) == 0) return false;
      const order::PaidWith paid{.order_id = p.order_id,
                                 .payment_id = p.id,
                                 .method = answer.method,
                                 .paid_at = answer.approved_at.value_or(now)};
      if (!ctx.orders.paid(tx, paid)) {
        // The order had the payment in flight since begin_payment; nothing else can move it.
        throw std::logic_error("order " + p.order_id + " of a completed payment could not be marked paid");
      }
      write_settlements(tx, p.id, *ctx.orders.find(tx, p.order_id), now);
      infra::events::publish(
          tx, PaymentCompleted{.payment_id = p.id, .order_id = p.order_id, .amount = p.amount});
      return true;
    }
    case Kind::kDeclined:
      if (tx.exec(kFail, p.id, answer.code.empty() ? "declined" : answer.code, now) == 0) return false;
      ctx.orders.declined(tx, p.order_id);
      return true;
    case Kind::kNotFound:
    case Kind::kNotCharged:
    case Kind::kUnavailable:
      if (tx.exec(kFail, p.id, "not_charged", now) == 0) return false;
      ctx.orders.abandoned(tx, p.order_id);
      return true;
    case Kind::kUnknown:
      tx.defer(kAskSoon, p.id, now + ctx.options.reconcile_interval);
      return false;
  }
  return false;
}

ConfirmRefused refused(const order::PayRefused& r) {
  switch (r.reason) {
    case order::PayRefused::Reason::kNotFound:
      return {.reason = Reason::kOrderNotFound};
    case order::PayRefused::Reason::kNotPayable:
      return {.reason = Reason::kNotPayable};
    case order::PayRefused::Reason::kAmountMismatch:
      return {.reason = Reason::kAmountMismatch, .total = r.total};
  }
  return {};
}

// What a confirm answers once the gateway's answer is recorded. A plain function, not a branch of
// the coroutine: g++ 12 destroyed the coroutine's locals twice with co_return inside a switch.
infra::domain::Outcome<Payment, ConfirmRefused> confirm_outcome(const GatewayAnswer& answer,
                                                                const Payment& recorded) {
  switch (answer.kind) {
    case Kind::kUnavailable:
      return fail(ConfirmRefused{.reason = Reason::kUnavailable, .retry_after = answer.retry_after});
    case Kind::kNotCharged:
    case Kind::kNotFound:
      return fail(ConfirmRefused{.reason = answer.code.empty() ? Reason::kUnavailable : Reason::kGatewayError,
                                 .code = answer.code,
                                 .message = answer.message,
                                 .retry_after = std::chrono::seconds(1)});
    default:
      return as_answered(recorded);
  }
}

// The first step: the payment recorded pending and its order marked in flight, or the payment this
// key made before.
struct Started {
  Payment payment;
  std::string gateway_order_id = {};
  bool fresh = false;
};

}  // namespace

boost::json::object to_json(const Payment& p) {
  using infra::clock::format_rfc3339;
  return {{"payment_id", p.id},
          {"order_id", p.order_id},
          {"status", status_name(p.status)},
          {"amount", p.amount},
          {"method", infra::http::json_or_null(p.method)},
          {"approved_at", infra::http::time_or_null(p.approved_at)},
          {"created_at", format_rfc3339(p.created_at)}};
}

boost::asio::awaitable<infra::domain::Outcome<Payment, ConfirmRefused>> confirm_payment(PaymentContext& ctx,
                                                                                        ConfirmRequest r) {
  auto start = [&](Tx& tx) -> infra::domain::Outcome<Started, ConfirmRefused> {
    tx.defer(kLockKey, r.payment_key);
    std::optional<std::string> retried;
    if (const auto row = tx.query(kByKey, r.payment_key).first()) {
      auto before = payment_from(*row);
      if (before.order_id != r.order_id || before.customer_id != r.customer_id) {
        return fail(ConfirmRefused{.reason = Reason::kKeyInUse});
      }
      // Ended before: answered as it ended, unless the gateway never acted on it.
      if (before.status != PaymentStatus::kFailed || before.failure_code != "not_charged") {
        return Started{std::move(before)};
      }
      retried = before.id;
    }
    const auto order = ctx.orders.begin_payment(
        tx, {.order_id = r.order_id, .customer_id = r.customer_id, .amount = r.amount});
    if (!order) return fail(refused(order.error()));
    const auto now = ctx.clock.now();
    Payment p{.id = retried.value_or(infra::crypto::random_uuid()),
              .order_id = r.order_id,
              .customer_id = r.customer_id,
              .payment_key = r.payment_key,
              .amount = r.amount,
              .created_at = now};
    if (retried) {
      tx.defer(kRetry, p.id, now + ctx.options.reconcile_after, now);
    } else {
      tx.defer(kInsert, p.id, p.order_id, p.customer_id, p.payment_key, p.amount,
               now + ctx.options.reconcile_after, now);
    }
    return Started{std::move(p), order->payment_order_id, true};
  };
  auto started = co_await ctx.db.transact(start);
  if (!started) co_return fail(started.error());
  if (!started->fresh) co_return as_answered(started->payment);

  ConfirmCall call{
      .payment_key = r.payment_key, .gateway_order_id = started->gateway_order_id, .amount = r.amount};
  auto result = co_await ctx.gateway.confirm(call);
  auto answer = Gateway::confirm_answer(result);
  const Payment& payment = started->payment;
  auto record = [&](Tx& tx) {
    record_answer(ctx, tx, payment, answer);
    return payment_from(*tx.query(kById, payment.id).first());
  };
  auto recorded = co_await ctx.db.transact(record);
  co_return confirm_outcome(answer, recorded);
}

std::optional<Payment> find_payment(Tx& tx, std::string_view payment_id) {
  if (!infra::domain::is_uuid(payment_id)) return std::nullopt;
  const auto row = tx.query(kById, payment_id).first();
  if (!row) return std::nullopt;
  return payment_from(*row);
}

std::size_t reconcile_due(PaymentContext& ctx) {
  auto claim = [&](Tx& tx) {
    const auto now = ctx.clock.now();
    std::vector<Payment> due;
    for (const auto row : tx.query(kClaimDue, now, now + ctx.options.reconcile_after))
      due.push_back(payment_from(row));
    return due;
  };
  std::size_t settled = 0;
  for (const auto& p : ctx.db.transact_blocking(claim)) {
    const auto answer = ctx.gateway.lookup_blocking(p.payment_key);
    auto record = [&](Tx& tx) { return record_answer(ctx, tx, p, answer); };
    if (ctx.db.transact_blocking(record)) {
      ++settled;
      infra::log::info(
          "payment", "reconciled a pending payment",
          {{"payment_id", p.id}, {"status", answer.kind == Kind::kDone ? "completed" : "failed"}});
    }
  }
  return settled;
}

std::int64_t pending_payments(Tx& tx) {
  return tx.query(kCountPending)[0].integer(0);
}

}  // namespace shop::payment
