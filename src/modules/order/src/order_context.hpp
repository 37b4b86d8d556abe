#pragma once

#include "shop/order/order_module.hpp"

#include "shop/infra/crypto/field_cipher.hpp"
#include "shop/infra/metrics/registry.hpp"

// What every part of the order module works with, built once from OrderDeps.
namespace shop::order {

struct OrderContext {
  explicit OrderContext(const OrderDeps& deps)
      : db(deps.db),
        clock(deps.clock),
        cipher(deps.keys),
        catalog(deps.catalog),
        users(deps.users),
        idempotency(deps.idempotency),
        options(deps.options),
        placed(counter(deps.metrics, "shopd_orders_placed_total", "Orders placed.")),
        expired(counter(deps.metrics, "shopd_orders_expired_total", "Unpaid orders expired by the job.")) {}

  infra::db::Database& db;
  const infra::clock::Clock& clock;
  infra::crypto::FieldCipher cipher;
  const catalog::Catalog& catalog;
  const user::UserDirectory& users;
  const infra::idempotency::IdempotencyKeys& idempotency;
  OrderOptions options;
  infra::metrics::Counter* placed;
  infra::metrics::Counter* expired;

 private:
  static infra::metrics::Counter* counter(infra::metrics::Registry* metrics, const char* name,
                                          const char* help) {
    return metrics == nullptr ? nullptr : &metrics->counter(name, help);
  }
};

}  // namespace shop::order
