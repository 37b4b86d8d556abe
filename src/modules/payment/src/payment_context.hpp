#pragma once

#include "gateway.hpp"

#include "shop/payment/payment_module.hpp"

// What every part of the payment module works with, built once from PaymentDeps.
namespace shop::payment {

struct PaymentContext {
  explicit PaymentContext(const PaymentDeps& deps)
      : db(deps.db),
        clock(deps.clock),
        orders(deps.orders),
        idempotency(deps.idempotency),
        options(deps.options),
        gateway(deps.options, deps.clock, deps.metrics),
        refunds_done(counter(deps.metrics, "refunded")),
        refund_failures(counter(deps.metrics, "failed_attempt")) {}

  infra::db::Database& db;
  const infra::clock::Clock& clock;
  const order::Orders& orders;
  const infra::idempotency::IdempotencyKeys& idempotency;
  PaymentOptions options;
  Gateway gateway;
  infra::metrics::Counter* refunds_done;
  infra::metrics::Counter* refund_failures;

 private:
  static infra::metrics::Counter* counter(infra::metrics::Registry* metrics, const char* outcome) {
    if (metrics == nullptr) return nullptr;
    return &metrics->counter("shopd_refunds_total", "Refunds asked of the gateway, by outcome.",
                             {{"outcome", outcome}});
  }
};

}  // namespace shop::payment
