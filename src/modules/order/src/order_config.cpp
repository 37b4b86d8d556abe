#include "shop/order/order_module.hpp"

namespace shop::order {
namespace {

constexpr infra::config::Knob kKnobs[] = {
    {"orders.payment_ttl", "SHOPD_PAYMENT_TTL", "5m",
     "an unpaid order expires this long after it was placed, and its stock goes back on sale"},
    {"orders.expiry_interval", "SHOPD_ORDER_EXPIRY_INTERVAL", "5s",
     "how often unpaid orders past their time are expired"},
    {"orders.idempotency_retention", "SHOPD_IDEMPOTENCY_RETENTION", "24h",
     "how long an Idempotency-Key and its response are kept (at least 24h)"},
};

}  // namespace

std::span<const infra::config::Knob> order_knobs() {
  return kKnobs;
}

OrderOptions read_order_options(const infra::config::Settings& s) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  OrderOptions o;
  o.payment_ttl = duration_cast<seconds>(s.duration("orders.payment_ttl", seconds(1)));
  o.expiry_interval = s.duration("orders.expiry_interval", std::chrono::milliseconds(100));
  o.idempotency_retention = s.duration("orders.idempotency_retention", std::chrono::hours(24));
  return o;
}

}  // namespace shop::order
