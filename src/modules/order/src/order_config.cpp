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
    {"orders.ship_after", "SHOPD_SHIP_AFTER", "1d",
     "a paid order ships (with a tracking number) this long after"},
    {"orders.deliver_after", "SHOPD_DELIVER_AFTER", "1d", "a shipped order is delivered this long after"},
    {"orders.return_window", "SHOPD_RETURN_WINDOW", "1d",
     "a delivered order may be returned for this long after its delivery"},
    {"orders.return_processing", "SHOPD_RETURN_PROCESSING", "1d",
     "a requested return is done (refund, stock restored) this long after the request"},
    {"orders.step_interval", "SHOPD_ORDER_STEP_INTERVAL", "5s",
     "how often the due steps of paid orders (ship, deliver, finish a return) are taken"},
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
  const std::chrono::milliseconds at_least(100);
  o.ship_after = s.duration("orders.ship_after", at_least);
  o.deliver_after = s.duration("orders.deliver_after", at_least);
  o.return_window = s.duration("orders.return_window", at_least);
  o.return_processing = s.duration("orders.return_processing", at_least);
  o.step_interval = s.duration("orders.step_interval", at_least);
  return o;
}

}  // namespace shop::order
