#include "shop/infra/http_client/gateway_caller.hpp"

#include "shop/infra/http_client/url.hpp"
#include "shop/infra/log/log.hpp"

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <stdexcept>

namespace shop::infra::http_client {
namespace {

namespace asio = boost::asio;
using Outcome = CallResult::Outcome;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kLog = "gateway";

const GatewayOptions& checked(const GatewayOptions& options) {
  if (options.name.empty()) throw std::invalid_argument("gateway caller: name must not be empty");
  if (options.max_attempts < 1)
    throw std::invalid_argument("gateway caller: max_attempts must be at least 1");
  if (options.backoff.initial < std::chrono::milliseconds::zero())
    throw std::invalid_argument("gateway caller: backoff must not be negative");
  if (options.backoff.multiplier < 1.0)
    throw std::invalid_argument("gateway caller: backoff multiplier must be at least 1");
  if (options.backoff.max < options.backoff.initial)
    throw std::invalid_argument("gateway caller: the backoff cap must not be below the backoff");
  return options;
}

// Repeating the request cannot repeat its effect: HTTP says so for the method, or the gateway
// recognises the repeat by its Idempotency-Key.
bool replay_safe(const GatewayRequest& request) {
  return request.idempotency_key ||
         (request.method != http::Method::kPost && request.method != http::Method::kPatch);
}

// Network errors and 5xx, as API.md says. A TLS refusal is no network error: it fails the same way
// every time. Once a request may have reached the gateway it is repeated only if that is safe.
bool worth_retrying(const SendResult& sent, bool replayable) {
  if (sent.ok()) return sent.response().status >= 500 && replayable;
  const auto& failure = sent.failure();
  if (failure.kind == FailureKind::kTlsHandshake) return false;
  return !failure.request_sent || replayable;
}

// What the breaker counts against the gateway: it is down or failing, not the caller's request.
bool gateway_failed(const SendResult& sent) {
  return !sent.ok() || sent.response().status >= 500;
}

std::string describe(const SendResult& sent) {
  if (sent.ok()) return fmt::format("status {}", sent.response().status);
  return fmt::format("{}: {}", failure_kind_name(sent.failure().kind), sent.failure().message);
}

std::string attempt_label(const SendResult& sent) {
  if (sent.ok()) return fmt::format("{}xx", sent.response().status / 100);
  return std::string(failure_kind_name(sent.failure().kind));
}

std::string_view call_label(const CallResult& result) {
  if (result.outcome != Outcome::kResponse) return outcome_name(result.outcome);
  if (result.response.status >= 500) return "server_error";
  if (result.response.status >= 400) return "client_error";
  return "success";
}

std::string_view state_name(resilience::CircuitState state) {
  switch (state) {
    case resilience::CircuitState::kClosed:
      return "closed";
    case resilience::CircuitState::kOpen:
      return "open";
    case resilience::CircuitState::kHalfOpen:
      return "half_open";
  }
  return "unknown";
}

// The path without its query, which may carry data that does not belong in logs.
std::string log_path(const Url& url) {
  return url.target.substr(0, url.target.find('?'));
}

CallResult finish(CallResult result, SendResult sent) {
  if (sent.ok()) {
    result.outcome = Outcome::kResponse;
    result.response = std::move(sent.response());
    return result;
  }
  const auto& failure = sent.failure();
  result.outcome =
      failure.request_sent || result.unanswered_attempt ? Outcome::kUnknownOutcome : Outcome::kNotSent;
  result.reason = describe(sent);
  return result;
}

}  // namespace

std::string_view outcome_name(CallResult::Outcome outcome) {
  switch (outcome) {
    case Outcome::kResponse:
      return "response";
    case Outcome::kUnavailable:
      return "unavailable";
    case Outcome::kUnknownOutcome:
      return "unknown_outcome";
    case Outcome::kNotSent:
      return "not_sent";
  }
  return "unknown";
}

struct GatewayCaller::Metrics {
  Metrics(metrics::Registry& r, std::string name, std::shared_ptr<resilience::CircuitBreaker> breaker)
      : registry(r),
        gateway(std::move(name)),
        seconds(registry.histogram("shopd_gateway_call_seconds",
                                   "Gateway calls that sent anything, from the first attempt to the result.",
                                   {{"gateway", gateway}}, metrics::latency_buckets())) {
    // Every outcome from the start, so that rates and alerts see zeros rather than no series.
    for (auto outcome :
         {"success", "client_error", "server_error", "unavailable", "unknown_outcome", "not_sent"})
      calls(outcome);
    registry.gauge("shopd_gateway_circuit_state", "Gateway circuit breaker: closed=0, open=1, half_open=2.",
                   {{"gateway", gateway}},
                   [breaker = std::move(breaker)] { return static_cast<double>(breaker->state()); });
  }

  metrics::Counter& calls(std::string_view outcome) {
    return registry.counter("shopd_gateway_calls_total", "Gateway calls by how they ended.",
                            {{"gateway", gateway}, {"outcome", std::string(outcome)}});
  }
  metrics::Counter& attempts(const std::string& result) {
    return registry.counter("shopd_gateway_attempts_total",
                            "Requests sent to the gateway, retries included, by status class or failure.",
                            {{"gateway", gateway}, {"result", result}});
  }

  metrics::Registry& registry;
  const std::string gateway;
  metrics::Histogram& seconds;
};

GatewayCaller::GatewayCaller(GatewayOptions options, const clock::Clock& clock, metrics::Registry* metrics)
    : options_(checked(options)),
      breaker_(std::make_shared<resilience::CircuitBreaker>(options_.breaker, clock)),
      client_(options_.client),
      metrics_(metrics ? std::make_unique<Metrics>(*metrics, options_.name, breaker_) : nullptr) {}

GatewayCaller::~GatewayCaller() = default;

asio::awaitable<CallResult> GatewayCaller::call(GatewayRequest request) {
  const auto started = std::chrono::steady_clock::now();
  auto result = co_await attempt_all(std::move(request));
  record(result, std::chrono::steady_clock::now() - started);
  co_return result;
}

CallResult GatewayCaller::call_blocking(GatewayRequest request) {
  const auto executor = client_.executor();
  if (executor.target<asio::io_context::executor_type>()->running_in_this_thread())
    throw std::logic_error("gateway caller: call_blocking on the client's own I/O thread");
  return asio::co_spawn(executor, call(std::move(request)), asio::use_future).get();
}

resilience::CircuitState GatewayCaller::circuit_state() const {
  return breaker_->state();
}

asio::awaitable<CallResult> GatewayCaller::attempt_all(GatewayRequest request) {
  const auto url = parse_url(request.url);
  if (!url) throw std::invalid_argument("gateway caller: not an absolute http(s) URL: " + request.url);
  const bool replayable = replay_safe(request);
  ClientRequest http{request.method, std::move(request.url), std::move(request.headers),
                     std::move(request.body)};
  if (request.idempotency_key) http.headers.emplace_back("Idempotency-Key", *request.idempotency_key);

  CallResult result;
  for (int attempt = 1;; ++attempt) {
    auto admission = breaker_->admit();
    if (!admission) {
      // After an unanswered attempt the caller must find out what happened, whatever the circuit says.
      result.outcome = result.unanswered_attempt ? Outcome::kUnknownOutcome : Outcome::kUnavailable;
      result.retry_after =
          std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(admission.retry_after));
      result.reason = result.unanswered_attempt
                          ? "circuit open after an attempt that was sent and not answered"
                          : "circuit open";
      co_return result;
    }
    auto sent = co_await client_.send(http);
    ++result.attempts;
    if (gateway_failed(sent)) {
      admission.permit->failed();
    } else {
      admission.permit->succeeded();
    }
    if (metrics_) metrics_->attempts(attempt_label(sent)).add();
    if (const auto state = breaker_->state(); logged_state_.exchange(state) != state)
      log::warn(kLog, "circuit state changed", {{"gateway", options_.name}, {"state", state_name(state)}});
    if (attempt >= options_.max_attempts || !worth_retrying(sent, replayable))
      co_return finish(std::move(result), std::move(sent));

    result.unanswered_attempt = result.unanswered_attempt || (!sent.ok() && sent.failure().request_sent);
    const auto pause = resilience::backoff_delay(options_.backoff, attempt);
    // The reason and where, never the body (it may carry payment data).
    log::warn(kLog, "retrying",
              {{"gateway", options_.name},
               {"attempt", attempt},
               {"max_attempts", options_.max_attempts},
               {"reason", describe(sent)},
               {"method", http::method_name(http.method)},
               {"origin", url->origin()},
               {"path", log_path(*url)},
               {"pause_ms", pause.count()}});
    asio::steady_timer timer(co_await asio::this_coro::executor, pause);
    co_await timer.async_wait(kTuple);
  }
}

void GatewayCaller::record(const CallResult& result, std::chrono::steady_clock::duration elapsed) {
  if (result.outcome == Outcome::kUnknownOutcome || result.outcome == Outcome::kNotSent) {
    log::warn(kLog, "call failed",
              {{"gateway", options_.name},
               {"outcome", outcome_name(result.outcome)},
               {"attempts", result.attempts},
               {"reason", result.reason}});
  }
  if (!metrics_) return;
  metrics_->calls(call_label(result)).add();
  if (result.attempts > 0) metrics_->seconds.observe(std::chrono::duration<double>(elapsed).count());
}

}  // namespace shop::infra::http_client
