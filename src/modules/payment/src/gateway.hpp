#pragma once

#include "shop/payment/payment_module.hpp"

#include <chrono>
#include <optional>
#include <string>

// The payment gateway's API (a TossPayments-like confirm flow) over the resilient caller: what a
// confirm or a lookup came to, in the terms the payment rules decide on.
namespace shop::payment {

struct GatewayAnswer {
  enum class Kind {
    kDone,         // charged: `method`, `approved_at`
    kDeclined,     // refused for good (4xx): `code`, `message`
    kNotFound,     // a lookup: the gateway has no such payment, so it never charged it
    kNotCharged,   // it did not act (nothing sent, or a 5xx with no earlier attempt unanswered)
    kUnavailable,  // the circuit is open: nothing was sent; `retry_after`
    kUnknown,      // it may have acted: only asking it later can tell
  } kind = Kind::kUnknown;
  std::string method = {};
  std::optional<infra::clock::TimePoint> approved_at = std::nullopt;
  std::string code = {};
  std::string message = {};
  std::chrono::seconds retry_after{0};
};

struct ConfirmCall {
  std::string payment_key;
  std::string gateway_order_id;  // the order's payment_order_id
  std::int64_t amount = 0;
};

struct CancelCall {
  std::string payment_key;
  std::string idempotency_key;  // the same on every attempt, and on every try of the same refund
  std::string reason;
  std::int64_t amount = 0;
};

// What a cancel (a refund) came to: done, or not (yet), and why.
struct RefundAnswer {
  bool refunded = false;
  std::string error = {};
};

class Gateway {
 public:
  Gateway(const PaymentOptions& options, const infra::clock::Clock& clock, infra::metrics::Registry* metrics);

  // POST /v1/payments/confirm with the payment key as Idempotency-Key on every attempt, and what
  // its result came to.
  boost::asio::awaitable<infra::http_client::CallResult> confirm(const ConfirmCall& call);
  static GatewayAnswer confirm_answer(const infra::http_client::CallResult& result);
  // GET /v1/payments/{paymentKey}, from a thread that is not a coroutine.
  GatewayAnswer lookup_blocking(const std::string& payment_key);
  // POST /v1/payments/{paymentKey}/cancel, from a thread that is not a coroutine. A payment the
  // gateway says is cancelled in full already counts as refunded: an earlier try did it.
  RefundAnswer cancel_blocking(const CancelCall& call);

 private:
  infra::http::Headers headers() const;
  infra::http_client::GatewayRequest confirm_request(const ConfirmCall& call) const;

  std::string base_url_;
  std::string authorization_;
  infra::http_client::GatewayCaller caller_;
};

}  // namespace shop::payment
