#include "shop/order/orders.hpp"

#include "shop/infra/clock/time_text.hpp"

namespace shop::order {

boost::json::object to_json(const Order& o) {
  boost::json::array items;
  std::int64_t total = 0;
  for (const auto& l : o.items) {
    items.push_back({{"product_id", l.product_id},
                     {"name", l.name},
                     {"unit_price", l.unit_price},
                     {"quantity", l.quantity},
                     {"line_total", l.line_total()}});
    total += l.line_total();
  }
  using infra::clock::format_rfc3339;
  return {{"id", o.id},
          {"status", status_name(o.status)},
          {"items", std::move(items)},
          // The lines shown add up to it: a seller sees the total of their own lines.
          {"total_amount", total},
          {"currency", "KRW"},
          {"payment_order_id", o.payment_order_id},
          {"shipping_address", o.shipping_address},
          {"expires_at", o.expires_at ? boost::json::value(format_rfc3339(*o.expires_at)) : nullptr},
          {"delivery", nullptr},
          {"payment", nullptr},
          {"created_at", format_rfc3339(o.created_at)},
          {"updated_at", format_rfc3339(o.updated_at)}};
}

}  // namespace shop::order
