#include "shop/pg_standin/gateway_state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

namespace shop::pg_standin {
namespace {

constexpr std::string_view kDeclinePrefix = "decline-";
constexpr std::string_view kErrorPrefix = "error-";
constexpr std::string_view kHangPrefix = "hang-";
constexpr std::string_view kDeclined = "The card company declined this payment.";

constexpr std::array<std::pair<Mode, std::string_view>, 3> kModes{{
    {Mode::kUp, "up"},
    {Mode::kDown, "down"},
    {Mode::kSlow, "slow"},
}};

Refusal refuse(Failure failure, std::string message) {
  return Refusal{failure, std::move(message)};
}

}  // namespace

std::string_view status_name(PaymentStatus status) {
  switch (status) {
    case PaymentStatus::kDone:
      return "DONE";
    case PaymentStatus::kPartialCanceled:
      return "PARTIAL_CANCELED";
    case PaymentStatus::kCanceled:
      return "CANCELED";
    case PaymentStatus::kAborted:
      return "ABORTED";
  }
  return "UNKNOWN";
}

std::optional<Mode> parse_mode(std::string_view text) {
  for (const auto& [mode, name] : kModes) {
    if (name == text) return mode;
  }
  return std::nullopt;
}

std::string_view mode_name(Mode mode) {
  for (const auto& [m, name] : kModes) {
    if (m == mode) return name;
  }
  return "unknown";
}

std::optional<Answer> GatewayState::replay(const std::optional<std::string>& idempotency_key,
                                           const Fingerprint& request) const {
  if (!idempotency_key) return std::nullopt;
  const auto stored = replays_.find(*idempotency_key);
  if (stored == replays_.end()) return std::nullopt;
  if (stored->second.request != request) {
    return refuse(Failure::kIdempotencyKeyReused,
                  "This Idempotency-Key was used with a different request before.");
  }
  return stored->second.answer;
}

ConfirmResult GatewayState::confirm(const ConfirmRequest& request) {
  std::lock_guard lock(mutex_);
  auto& record = record_[request.payment_key];
  ++record.confirm_requests;
  if (request.idempotency_key && std::find(record.idempotency_keys.begin(), record.idempotency_keys.end(),
                                           *request.idempotency_key) == record.idempotency_keys.end()) {
    record.idempotency_keys.push_back(*request.idempotency_key);
  }
  // Every confirm of a hang- key goes unanswered, a replay too: a client that retries after its
  // timeout must learn the outcome by looking the payment up, as it would have to with the real one.
  const bool withheld = request.payment_key.starts_with(kHangPrefix);

  const Fingerprint fingerprint{
      Fingerprint::Kind::kConfirm, request.payment_key, request.order_id, request.amount, {}};
  if (auto replayed = replay(request.idempotency_key, fingerprint)) return {std::move(*replayed), withheld};

  if (const auto existing = payments_.find(request.payment_key); existing != payments_.end()) {
    const Payment& payment = existing->second;
    if (payment.order_id != request.order_id || payment.total_amount != request.amount) {
      return {refuse(Failure::kPaymentMismatch,
                     "orderId or amount differ from the payment recorded for this paymentKey."),
              withheld};
    }
    if (payment.status == PaymentStatus::kAborted) {
      return {refuse(Failure::kRejectCard, std::string(kDeclined)), withheld};
    }
    return {refuse(Failure::kAlreadyProcessed, "This payment was already confirmed."), withheld};
  }

  if (request.payment_key.starts_with(kErrorPrefix)) {
    // Nothing is charged: a lookup finds no payment, and a retry is processed again.
    return {refuse(Failure::kInternalError, "The gateway failed to process the payment."), withheld};
  }
  const auto now = clock_.now();
  if (request.payment_key.starts_with(kDeclinePrefix)) {
    // Recorded, so that a lookup tells the client the payment was refused rather than never seen.
    payments_.emplace(request.payment_key, Payment{.payment_key = request.payment_key,
                                                   .order_id = request.order_id,
                                                   .total_amount = request.amount,
                                                   .balance_amount = 0,
                                                   .status = PaymentStatus::kAborted,
                                                   .requested_at = now,
                                                   .approved_at = std::nullopt,
                                                   .cancels = {}});
    return {refuse(Failure::kRejectCard, std::string(kDeclined)), withheld};
  }
  ++record.approvals;
  Payment payment{.payment_key = request.payment_key,
                  .order_id = request.order_id,
                  .total_amount = request.amount,
                  .balance_amount = request.amount,
                  .status = PaymentStatus::kDone,
                  .requested_at = now,
                  .approved_at = now,
                  .cancels = {}};
  if (request.idempotency_key) replays_[*request.idempotency_key] = Replay{fingerprint, payment};
  payments_.emplace(request.payment_key, payment);
  return {std::move(payment), withheld};
}

Answer GatewayState::cancel(const CancelRequest& request) {
  std::lock_guard lock(mutex_);
  auto& record = record_[request.payment_key];
  ++record.cancel_requests;

  const Fingerprint fingerprint{
      Fingerprint::Kind::kCancel, request.payment_key, {}, request.amount.value_or(-1), request.reason};
  if (auto replayed = replay(request.idempotency_key, fingerprint)) return std::move(*replayed);

  const auto found = payments_.find(request.payment_key);
  if (found == payments_.end())
    return refuse(Failure::kNotFound, "There is no payment with this paymentKey.");
  Payment& payment = found->second;
  if (payment.status == PaymentStatus::kAborted) {
    return refuse(Failure::kNotCancelablePayment, "A declined payment cannot be canceled.");
  }
  if (payment.balance_amount == 0) {
    return refuse(Failure::kAlreadyCanceled, "This payment is already canceled in full.");
  }
  const std::int64_t amount = request.amount.value_or(payment.balance_amount);
  if (amount > payment.balance_amount) {
    return refuse(
        Failure::kNotCancelableAmount,
        fmt::format("cancelAmount {} exceeds the cancelable balance {}.", amount, payment.balance_amount));
  }
  payment.balance_amount -= amount;
  payment.status = payment.balance_amount == 0 ? PaymentStatus::kCanceled : PaymentStatus::kPartialCanceled;
  payment.cancels.push_back(
      Cancel{amount, request.reason, clock_.now(),
             fmt::format("{}-cancel-{}", payment.payment_key, payment.cancels.size() + 1)});
  record.cancels.push_back({amount, request.idempotency_key});
  if (request.idempotency_key) replays_[*request.idempotency_key] = Replay{fingerprint, payment};
  return payment;
}

std::optional<Payment> GatewayState::payment(std::string_view payment_key) const {
  std::lock_guard lock(mutex_);
  const auto found = payments_.find(payment_key);
  if (found == payments_.end()) return std::nullopt;
  return found->second;
}

void GatewayState::set_mode(ModeSetting setting) {
  std::lock_guard lock(mutex_);
  mode_ = setting;
}

ModeSetting GatewayState::mode() const {
  std::lock_guard lock(mutex_);
  return mode_;
}

void GatewayState::count_refused_while_down() {
  std::lock_guard lock(mutex_);
  ++refused_while_down_;
}

Record GatewayState::record() const {
  std::lock_guard lock(mutex_);
  return Record{mode_, refused_while_down_, record_};
}

}  // namespace shop::pg_standin
