#pragma once

#include "payment_context.hpp"

#include "shop/infra/domain/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

// Confirming a payment: the attempt is recorded, then the gateway is asked (never inside a
// transaction), then its answer is recorded with everything it causes in one transaction. An answer
// that was lost leaves the payment pending; reconciliation asks the gateway until it knows.
namespace shop::payment {

enum class PaymentStatus { kPending, kCompleted, kFailed, kRefunded };

struct Payment {
  std::string id;
  std::string order_id;
  std::string customer_id;
  std::string payment_key;
  std::int64_t amount = 0;
  PaymentStatus status = PaymentStatus::kPending;
  std::optional<std::string> method = std::nullopt;
  std::optional<infra::clock::TimePoint> approved_at = std::nullopt;
  std::optional<std::string> failure_code = std::nullopt;
  infra::clock::TimePoint created_at{};
};

// {"payment_id","order_id","status","amount","method","approved_at","created_at"}
boost::json::object to_json(const Payment& payment);

struct ConfirmRequest {
  std::string customer_id;
  std::string order_id;
  std::string payment_key;
  std::int64_t amount = 0;
};

struct ConfirmRefused {
  enum class Reason {
    kOrderNotFound,
    kNotPayable,
    kAmountMismatch,  // `total`
    kKeyInUse,        // the payment key belongs to another order
    kDeclined,        // `code`, `message`: the order is payment_failed
    kUnavailable,     // the circuit is open or the gateway unreachable: `retry_after`
    kGatewayError,    // the gateway failed the confirm (5xx after the retries): nothing was charged
  } reason = Reason::kOrderNotFound;
  std::int64_t total = 0;
  std::string code = {};
  std::string message = {};
  std::chrono::seconds retry_after{0};
};

// The payment as it stands after the call: completed, or pending when the answer was lost. A key
// confirmed before answers as it ended, without calling the gateway again.
boost::asio::awaitable<infra::domain::Outcome<Payment, ConfirmRefused>> confirm_payment(
    PaymentContext& ctx, ConfirmRequest request);

// GET /payments/{id}: the payment if `viewer` is its customer or an admin.
std::optional<Payment> find_payment(infra::db::Tx& tx, std::string_view payment_id);

// Asks the gateway about a batch of pending payments whose time has come and records what it
// knows; returns how many it settled. Called from the reconciliation thread.
std::size_t reconcile_due(PaymentContext& ctx);
// Pending payments, for /metrics.
std::int64_t pending_payments(infra::db::Tx& tx);

}  // namespace shop::payment
