#include "shop/payment/payment_module.hpp"

namespace shop::payment {
namespace {

using infra::config::Knob;

// The gateway's defaults are the API contract's.
constexpr Knob kKnobs[] = {
    {"gateway.url", "SHOPD_GATEWAY_URL", "http://127.0.0.1:8081",
     "the payment gateway's base URL (https with certificate checks, or http)"},
    {"gateway.secret_key", "SHOPD_GATEWAY_SECRET_KEY", "test_sk_pg_standin",
     "the gateway's secret key (HTTP Basic user name); the default is the stand-in's"},
    {"gateway.ca_file", "SHOPD_GATEWAY_CA_FILE", "",
     "a PEM file of an extra CA to trust; empty: the system's"},
    {"gateway.connect_timeout", "SHOPD_GATEWAY_CONNECT_TIMEOUT", "500ms", "resolving, connecting and TLS"},
    {"gateway.read_timeout", "SHOPD_GATEWAY_READ_TIMEOUT", "1500ms",
     "sending a request and reading its answer"},
    {"gateway.max_attempts", "SHOPD_GATEWAY_MAX_ATTEMPTS", "4", "attempts per call, the first included"},
    {"gateway.backoff", "SHOPD_GATEWAY_BACKOFF", "500ms",
     "the pause before the first retry; doubled after each"},
    {"gateway.circuit_window", "SHOPD_GATEWAY_CIRCUIT_WINDOW", "30s",
     "the circuit breaker's window of calls"},
    {"gateway.circuit_min_calls", "SHOPD_GATEWAY_CIRCUIT_MIN_CALLS", "20",
     "calls in the window before it may open"},
    {"gateway.circuit_failure_percent", "SHOPD_GATEWAY_CIRCUIT_FAILURE_PERCENT", "30",
     "the share of failed calls in the window that opens it"},
    {"gateway.circuit_open_for", "SHOPD_GATEWAY_CIRCUIT_OPEN_FOR", "60s", "how long it stays open"},
    {"gateway.circuit_trial_calls", "SHOPD_GATEWAY_CIRCUIT_TRIAL_CALLS", "5",
     "calls let through when half-open"},
    {"payments.reconcile_after", "SHOPD_RECONCILE_AFTER", "30s",
     "a payment whose answer was lost is asked about this long after its confirm began"},
    {"payments.reconcile_interval", "SHOPD_RECONCILE_INTERVAL", "5s",
     "and again this often until the gateway knows"},
    {"payments.settlement_delay", "SHOPD_SETTLEMENT_DELAY", "5d",
     "a seller's settlement is settled this long after the sale"},
    {"payments.settlement_interval", "SHOPD_SETTLEMENT_INTERVAL", "1h",
     "how often due settlements are settled"},
    {"payments.refund_backoff", "SHOPD_REFUND_BACKOFF", "5s",
     "a refund the gateway failed is tried again after this, doubled per attempt up to 1h"},
};

}  // namespace

std::span<const Knob> payment_knobs() {
  return kKnobs;
}

PaymentOptions read_payment_options(const infra::config::Settings& s) {
  using std::chrono::milliseconds;
  PaymentOptions o;
  o.gateway_url = s.string("gateway.url");
  if (!o.gateway_url.starts_with("http://") && !o.gateway_url.starts_with("https://")) {
    s.reject("gateway.url", "must start with http:// or https://");
  }
  while (o.gateway_url.ends_with('/')) o.gateway_url.pop_back();
  o.secret_key = s.string("gateway.secret_key");
  o.gateway.name = "payment_gateway";
  if (s.has("gateway.ca_file")) o.gateway.client.ca_file = s.string("gateway.ca_file");
  o.gateway.client.connect_timeout = s.duration("gateway.connect_timeout", milliseconds(1));
  o.gateway.client.read_timeout = s.duration("gateway.read_timeout", milliseconds(1));
  o.gateway.max_attempts = static_cast<int>(s.integer("gateway.max_attempts", 1, 10));
  o.gateway.backoff.initial = s.duration("gateway.backoff", milliseconds(1));
  o.gateway.breaker.window = s.duration("gateway.circuit_window", milliseconds(1));
  o.gateway.breaker.min_calls = static_cast<std::size_t>(s.integer("gateway.circuit_min_calls", 1, 100'000));
  o.gateway.breaker.failure_rate =
      static_cast<double>(s.integer("gateway.circuit_failure_percent", 1, 100)) / 100;
  o.gateway.breaker.open_for = s.duration("gateway.circuit_open_for", milliseconds(1));
  o.gateway.breaker.trial_calls = static_cast<std::size_t>(s.integer("gateway.circuit_trial_calls", 1, 1000));
  o.reconcile_after = s.duration("payments.reconcile_after", milliseconds(1));
  o.reconcile_interval = s.duration("payments.reconcile_interval", milliseconds(10));
  o.settlement_delay = s.duration("payments.settlement_delay");
  o.settlement_interval = s.duration("payments.settlement_interval", milliseconds(100));
  o.refund_backoff = s.duration("payments.refund_backoff", milliseconds(10));
  return o;
}

}  // namespace shop::payment
