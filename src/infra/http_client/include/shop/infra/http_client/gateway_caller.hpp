#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/http/message.hpp"
#include "shop/infra/http_client/http_client.hpp"
#include "shop/infra/metrics/registry.hpp"
#include "shop/infra/resilience/backoff.hpp"
#include "shop/infra/resilience/circuit_breaker.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

// Calls to a remote gateway the way API.md asks for them: timeouts, retries with backoff and jitter on
// network errors and 5xx only, one Idempotency-Key on every attempt, and a circuit breaker consulted
// before each attempt and told how each went.
//
//   GatewayCaller gateway(options, clock, &metrics);
//   CallResult result = co_await gateway.call({Method::kPost, base_url + "/v1/payments/confirm",
//                                              {{"Authorization", basic}, {"Content-Type",
//                                              "application/json"}}, body, idempotency_key});
//   switch (result.outcome) { ... }
namespace shop::infra::http_client {

// The defaults are API.md's.
struct GatewayOptions {
  std::string name = "gateway";               // the `gateway` label of the metrics and the logs
  ClientOptions client;                       // connect_timeout 500 ms, read_timeout 1500 ms, ca_file
  int max_attempts = 4;                       // the first attempt included
  resilience::BackoffOptions backoff;         // 500 ms, x2, equal jitter
  resilience::CircuitBreakerOptions breaker;  // 30 s window, 20 calls, 30 %, open 60 s, 5 trials
};

struct GatewayRequest {
  http::Method method = http::Method::kGet;
  std::string url;  // absolute, see url.hpp
  http::Headers headers;
  std::string body;
  // Sent as Idempotency-Key on every attempt. Without one, a POST or PATCH is retried only when no
  // attempt can have reached the gateway, since repeating it could repeat its effect.
  std::optional<std::string> idempotency_key;
};

struct CallResult {
  enum class Outcome {
    kResponse,        // `response` holds the gateway's answer, whatever its status
    kUnavailable,     // the circuit is open: nothing was sent this time; try again after `retry_after`
    kUnknownOutcome,  // the last attempt failed after its request was sent (a timeout, a reset
                      // mid-response), or the circuit opened after such an attempt: the gateway may have
                      // acted, and only asking it can tell
    kNotSent,         // every attempt failed before its request was fully sent: the gateway did nothing
  };

  Outcome outcome = Outcome::kNotSent;
  ClientResponse response;              // kResponse
  std::chrono::seconds retry_after{0};  // kUnavailable: rounded up, at least 1 s (for Retry-After)
  std::string reason;                   // not kResponse: why, for logs ("timeout: ...", "circuit open")
  int attempts = 0;                     // requests actually made
  // An earlier attempt was sent and never answered. With kResponse this matters when the answer does
  // not settle the question (a 5xx): the unanswered attempt may still have been acted on.
  bool unanswered_attempt = false;
};

std::string_view outcome_name(CallResult::Outcome outcome);

class GatewayCaller {
 public:
  // Metrics (may be null):
  //   shopd_gateway_calls_total{gateway,outcome}  outcome: success (2xx-3xx), client_error (4xx),
  //                                               server_error (5xx), unavailable, unknown_outcome, not_sent
  //   shopd_gateway_attempts_total{gateway,result} each attempt: 2xx..5xx, or the failure kind
  //   shopd_gateway_call_seconds{gateway}         whole calls that sent anything, retries and pauses included
  //   shopd_gateway_circuit_state{gateway}        closed=0, open=1, half_open=2
  // The clock and the registry must outlive the caller. Throws std::invalid_argument for bad options.
  GatewayCaller(GatewayOptions options, const clock::Clock& clock, metrics::Registry* metrics = nullptr);
  ~GatewayCaller();
  GatewayCaller(const GatewayCaller&) = delete;
  GatewayCaller& operator=(const GatewayCaller&) = delete;

  // Runs on the awaiting coroutine's executor (the pauses between attempts are timers there); the
  // exchanges run on the client's I/O thread. Throws std::invalid_argument for a bad URL or method.
  boost::asio::awaitable<CallResult> call(GatewayRequest request);
  // The same for a thread that is not a coroutine (a scheduler job, an event handler).
  CallResult call_blocking(GatewayRequest request);

  resilience::CircuitState circuit_state() const;
  const GatewayOptions& options() const { return options_; }

 private:
  struct Metrics;

  boost::asio::awaitable<CallResult> attempt_all(GatewayRequest request);
  void record(const CallResult& result, std::chrono::steady_clock::duration elapsed);

  const GatewayOptions options_;
  // Shared with the metrics gauge, which may be read after the caller is gone; state() needs no clock.
  std::shared_ptr<resilience::CircuitBreaker> breaker_;
  HttpClient client_;
  std::unique_ptr<Metrics> metrics_;  // null without a registry
  // The last state logged, so that each change is logged once (concurrent calls may merge changes).
  std::atomic<resilience::CircuitState> logged_state_{resilience::CircuitState::kClosed};
};

}  // namespace shop::infra::http_client
