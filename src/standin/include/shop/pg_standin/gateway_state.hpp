#pragma once

#include "shop/infra/clock/clock.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

// The payment gateway stand-in's rules, in memory and without HTTP: what a confirm, a cancel and a
// lookup answer, which paymentKey prefixes decline, fail or hang, how Idempotency-Key replays, and the
// record tests read to prove nothing was charged twice. Every member function is thread-safe.
// The wire format (docs/pg-standin.md) is the routes' business.
namespace shop::pg_standin {

using infra::clock::TimePoint;

enum class PaymentStatus { kDone, kPartialCanceled, kCanceled, kAborted };
// "DONE", "PARTIAL_CANCELED", "CANCELED", "ABORTED", as the gateway spells them.
std::string_view status_name(PaymentStatus status);

struct Cancel {
  std::int64_t amount = 0;
  std::string reason;
  TimePoint canceled_at;
  std::string transaction_key;  // unique per cancel, "<paymentKey>-cancel-<n>"

  bool operator==(const Cancel&) const = default;
};

struct Payment {
  std::string payment_key;
  std::string order_id;
  std::int64_t total_amount = 0;
  std::int64_t balance_amount = 0;  // what is left to cancel
  PaymentStatus status = PaymentStatus::kDone;
  TimePoint requested_at;
  std::optional<TimePoint> approved_at;  // none for a declined payment
  std::vector<Cancel> cancels;

  bool operator==(const Payment&) const = default;
};

// Why the gateway refused; the routes give each its status and code.
enum class Failure {
  kRejectCard,            // a decline- key
  kInternalError,         // an error- key
  kAlreadyProcessed,      // the key was confirmed before, under another (or no) Idempotency-Key
  kPaymentMismatch,       // orderId or amount differ from the payment recorded for the key
  kIdempotencyKeyReused,  // the Idempotency-Key came with a different request before
  kNotFound,              // no payment under the key
  kNotCancelablePayment,  // a declined payment
  kAlreadyCanceled,       // nothing left to cancel
  kNotCancelableAmount,   // more than the balance
};

struct Refusal {
  Failure failure;
  std::string message;
};

// A payment as the gateway answers it, or its refusal.
using Answer = std::variant<Payment, Refusal>;

struct ConfirmRequest {
  std::string payment_key;
  std::string order_id;
  std::int64_t amount = 0;
  std::optional<std::string> idempotency_key;
};

struct ConfirmResult {
  Answer answer;
  // A hang- key: the gateway charged the card, but its answer never leaves it.
  bool withheld = false;
};

struct CancelRequest {
  std::string payment_key;
  std::string reason;
  std::optional<std::int64_t> amount;  // none: the whole balance
  std::optional<std::string> idempotency_key;
};

enum class Mode { kUp, kDown, kSlow };
// "up", "down", "slow"; nullopt for anything else.
std::optional<Mode> parse_mode(std::string_view text);
std::string_view mode_name(Mode mode);

struct ModeSetting {
  Mode mode = Mode::kUp;
  std::chrono::milliseconds delay{0};  // before every answer, in slow mode
};

// What tests assert on: per paymentKey, what arrived and what it did.
struct KeyRecord {
  struct CancelEntry {
    std::int64_t amount = 0;
    std::optional<std::string> idempotency_key;
  };
  std::size_t confirm_requests = 0;
  std::size_t approvals = 0;                  // confirms approved as a new charge: never more than one
  std::vector<std::string> idempotency_keys;  // distinct keys on its confirms, first seen first
  std::size_t cancel_requests = 0;
  std::vector<CancelEntry> cancels;  // cancels applied, in order
};

struct Record {
  ModeSetting mode;
  std::size_t refused_while_down = 0;
  std::map<std::string, KeyRecord> keys;
};

class GatewayState {
 public:
  explicit GatewayState(const infra::clock::Clock& clock) : clock_(clock) {}

  ConfirmResult confirm(const ConfirmRequest& request);
  Answer cancel(const CancelRequest& request);
  std::optional<Payment> payment(std::string_view payment_key) const;

  void set_mode(ModeSetting setting);
  ModeSetting mode() const;
  // A /v1 call refused because the gateway is down; it reached no payment.
  void count_refused_while_down();
  Record record() const;

 private:
  // What an Idempotency-Key was first used for; a replay must match it field by field.
  struct Fingerprint {
    enum class Kind { kConfirm, kCancel } kind;
    std::string payment_key;
    std::string order_id;
    std::int64_t amount = 0;  // the confirm's amount, or the cancel's (-1: the whole balance)
    std::string reason;

    bool operator==(const Fingerprint&) const = default;
  };
  struct Replay {
    Fingerprint request;
    Payment answer;
  };
  // Replays the answer stored under the request's Idempotency-Key, refuses a different request under
  // it, or returns nullopt when the key is new (or absent) and the request must be processed.
  std::optional<Answer> replay(const std::optional<std::string>& idempotency_key,
                               const Fingerprint& request) const;

  const infra::clock::Clock& clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Payment, std::less<>> payments_;
  // Only successful answers are kept: a refusal is decided again on a retry, as the same rules
  // give the same refusal for as long as nothing changed.
  std::map<std::string, Replay> replays_;
  std::map<std::string, KeyRecord> record_;
  ModeSetting mode_;
  std::size_t refused_while_down_ = 0;
};

}  // namespace shop::pg_standin
