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
        options(deps.options),
        gateway(deps.options, deps.clock, deps.metrics) {}

  infra::db::Database& db;
  const infra::clock::Clock& clock;
  const order::Orders& orders;
  PaymentOptions options;
  Gateway gateway;
};

}  // namespace shop::payment
