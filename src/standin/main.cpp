// shopd-pg-standin: the payment gateway in development and tests. `shopd-pg-standin --help` and
// docs/pg-standin.md describe what it answers.
#include "gateway_routes.hpp"

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/http/server.hpp"
#include "shop/infra/log/log.hpp"
#include "shop/infra/metrics/registry.hpp"
#include "shop/pg_standin/gateway_state.hpp"

#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>

namespace {

constexpr const char* kUsage =
    R"(shopd-pg-standin: an in-memory stand-in for the payment gateway (a TossPayments-like
"confirm" API), for development and tests. Nothing is kept after it stops.

Usage: shopd-pg-standin --secret-key KEY [--listen HOST:PORT]

Options:
  --secret-key KEY   the secret key clients send as the HTTP Basic user name (empty password); required
  --listen HOST:PORT address to serve on (default 127.0.0.1:8081); port 0 picks a free port, and the
                     log line `msg=listening address=HOST:PORT` tells which
  -h, --help         show this help

Gateway API (HTTP Basic auth; errors are {"code","message"}):
  POST /v1/payments/confirm            {"paymentKey","orderId","amount"}, optional Idempotency-Key
       200 {"paymentKey","orderId","status":"DONE","totalAmount","balanceAmount","method":"CARD",
            "requestedAt","approvedAt","cancels":[]}  (times are RFC 3339 with +09:00)
       paymentKey decline-*  400 REJECT_CARD_PAYMENT (recorded as ABORTED)
       paymentKey error-*    500 FAILED_INTERNAL_SYSTEM_PROCESSING (nothing recorded)
       paymentKey hang-*     no answer ever; the payment is recorded as DONE
       a confirmed key again: the first answer again under the same Idempotency-Key, else
                             400 ALREADY_PROCESSED_PAYMENT; other orderId or amount: 400 PAYMENT_MISMATCH
       an Idempotency-Key seen with another request: 422 IDEMPOTENT_REQUEST_PROCESSING
       a malformed body or unknown field: 400 INVALID_REQUEST; bad credentials: 401 UNAUTHORIZED_KEY
  GET  /v1/payments/{paymentKey}       the payment (DONE, PARTIAL_CANCELED, CANCELED, ABORTED);
                                       404 NOT_FOUND_PAYMENT
  POST /v1/payments/{paymentKey}/cancel {"cancelReason","cancelAmount"?}, optional Idempotency-Key
       the payment with its "cancels"; no cancelAmount cancels the whole balance; partial cancels add
       up; more than the balance: 400 NOT_CANCELABLE_AMOUNT; nothing left: 400 ALREADY_CANCELED_PAYMENT;
       a declined payment: 400 NOT_CANCELABLE_PAYMENT; the same Idempotency-Key again: the same answer

Control (no auth, always answers):
  POST /control {"mode":"up"|"down"|"slow","delay_ms"?}
       up: normal; down: every /v1 call gets 503 SERVICE_UNAVAILABLE; slow: every /v1 call is answered
       delay_ms (default 3000) after its work is done
  GET  /control/record
       {"mode","delay_ms","refused_while_down",
        "payments":{"<paymentKey>":{"confirm_requests","approvals","idempotency_keys":[...],
                                     "cancel_requests","cancels":[{"amount","idempotency_key"}]}}}
       confirm_requests: authenticated, well-formed confirms of the key; approvals: those approved as a
       new charge (at most 1: the proof nothing was charged twice); idempotency_keys: distinct keys its
       confirms carried; cancels: the cancels applied, each with its Idempotency-Key or null

SIGTERM/SIGINT: stops accepting, gives in-flight answers a second, drops unanswered (hang-) ones, exits 0.
)";

struct Arguments {
  std::string listen = "127.0.0.1:8081";
  std::string secret_key;
};

// nullopt after printing why (or the help, with `help` set).
std::optional<Arguments> parse_arguments(int argc, char** argv, bool& help) {
  Arguments args;
  bool have_key = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    // "--name value" or "--name=value"
    auto value_of = [&](std::string_view name) -> std::optional<std::string> {
      if (arg == name && i + 1 < argc) return argv[++i];
      if (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=') {
        return arg.substr(name.size() + 1);
      }
      return std::nullopt;
    };
    if (arg == "-h" || arg == "--help") {
      help = true;
      return std::nullopt;
    }
    if (auto listen = value_of("--listen")) {
      args.listen = *listen;
    } else if (auto key = value_of("--secret-key")) {
      args.secret_key = *key;
      have_key = true;
    } else {
      std::cerr << "shopd-pg-standin: unexpected argument '" << arg << "' (see --help)\n";
      return std::nullopt;
    }
  }
  if (!have_key || args.secret_key.empty()) {
    std::cerr << "shopd-pg-standin: --secret-key KEY is required (see --help)\n";
    return std::nullopt;
  }
  if (!shop::infra::http::parse_listen_address(args.listen)) {
    std::cerr << "shopd-pg-standin: --listen '" << args.listen << "' is not HOST:PORT\n";
    return std::nullopt;
  }
  return args;
}

int run(const Arguments& args) {
  namespace http = shop::infra::http;
  shop::infra::clock::SystemClock clock;
  shop::pg_standin::GatewayState state(clock);
  http::Router router;
  shop::pg_standin::register_gateway_routes(router, state, args.secret_key);

  http::ServerOptions options;
  options.listen = args.listen;
  // Unanswered (hang-) requests would hold a drain for its whole timeout; a second is enough for
  // the answers in flight, and then the gateway goes away as a real one would, mid-request.
  options.drain_timeout = std::chrono::seconds(1);
  // The server counts requests into a registry; the stand-in serves no /metrics of its own.
  shop::infra::metrics::Registry metrics;
  // The gateway's clients sign in with Basic auth, which its routes check; no route takes bearer tokens.
  auto no_bearer_callers = [](std::string) -> boost::asio::awaitable<std::optional<http::Caller>> {
    co_return std::nullopt;
  };
  http::Server server(options, router, no_bearer_callers, metrics, /*map_error=*/nullptr);
  // Caught before the listening line, so that a SIGTERM right after it drains rather than kills.
  boost::asio::signal_set signals(server.io_context(), SIGINT, SIGTERM);
  signals.async_wait([&server](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    shop::infra::log::info("pg-standin", "signal received; draining", {{"signal", signal}});
    server.drain();
  });
  try {
    server.start();
  } catch (const std::system_error& e) {
    shop::infra::log::error("pg-standin", "cannot listen", {{"address", args.listen}, {"error", e.what()}});
    return 1;
  }
  server.wait();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool help = false;
  const auto args = parse_arguments(argc, argv, help);
  if (help) {
    std::cout << kUsage;
    return 0;
  }
  if (!args) return 2;
  try {
    return run(*args);
  } catch (const std::exception& e) {
    shop::infra::log::error("pg-standin", "fatal", {{"error", e.what()}});
    return 1;
  }
}
