#pragma once

#include "shop/order/orders.hpp"

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/config/settings.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/events/subscription.hpp"
#include "shop/infra/http/router.hpp"
#include "shop/infra/http_client/gateway_caller.hpp"
#include "shop/infra/idempotency/idempotency_keys.hpp"
#include "shop/infra/metrics/registry.hpp"
#include "shop/infra/scheduler/scheduler.hpp"

#include <chrono>
#include <memory>
#include <span>
#include <string>

// The payment module's entry point, for src/app only: confirming payments with the gateway,
// reconciling the ones whose answer was lost, refunds, and sellers' settlements.
namespace shop::payment {

struct PaymentOptions {
  std::string gateway_url = "http://127.0.0.1:8081";
  std::string secret_key;  // the gateway's; HTTP Basic user name
  infra::http_client::GatewayOptions gateway;
  // A pending payment is asked about this long after its confirm began (longer than a confirm with
  // all its retries can take), and again every reconcile_interval until the gateway knows.
  std::chrono::milliseconds reconcile_after{30'000};
  std::chrono::milliseconds reconcile_interval{5'000};
  std::chrono::milliseconds settlement_delay{5LL * 24 * 3600 * 1000};
  std::chrono::milliseconds settlement_interval{3600 * 1000};
  // A refund the gateway failed is tried again after this, doubled per attempt up to an hour.
  std::chrono::milliseconds refund_backoff{5'000};
};

std::span<const infra::config::Knob> payment_knobs();
PaymentOptions read_payment_options(const infra::config::Settings& settings);

struct PaymentDeps {
  infra::db::Database& db;
  const infra::clock::Clock& clock;
  const order::Orders& orders;
  const infra::idempotency::IdempotencyKeys& idempotency;
  infra::metrics::Registry* metrics;
  PaymentOptions options;
};

class PaymentModule {
 public:
  virtual ~PaymentModule() = default;
  virtual void register_routes(infra::http::Router& router) = 0;
  // Settling due settlements.
  virtual void register_jobs(infra::scheduler::Scheduler& scheduler) = 0;
  // The refund of a paid order that is cancelled or returned (order.OrderCancelled,
  // order.OrderReturned), under kRefundSubscriber: src/app adds it to the event dispatcher.
  virtual infra::events::Subscription refund_subscription() const = 0;
  // Reconciliation of pending payments and the gateway's part of refunds run on a thread of their
  // own, since they call the gateway and no gateway call may run inside a transaction (a scheduler
  // job runs in one).
  virtual void start() = 0;
  virtual void stop() = 0;
};

inline constexpr std::string_view kRefundSubscriber = "payment.refunds";

std::unique_ptr<PaymentModule> make_payment_module(PaymentDeps deps);

}  // namespace shop::payment
