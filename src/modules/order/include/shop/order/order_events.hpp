#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

// Facts the order module publishes, one per transition of shop/order/order_status.hpp, each in the
// transaction that makes it. They carry ids and amounts only; a subscriber that needs the customer's
// contact asks the user module.
namespace shop::order {

struct OrderEvent {
  std::string order_id;
  std::string customer_id;
  std::int64_t total_amount = 0;
};

#define SHOP_ORDER_EVENT(Name)                                \
  struct Name : OrderEvent {                                  \
    static constexpr std::string_view kType = "order." #Name; \
    static constexpr int kVersion = 1;                        \
  }

SHOP_ORDER_EVENT(OrderPlaced);
SHOP_ORDER_EVENT(OrderPaid);
SHOP_ORDER_EVENT(OrderShipped);
SHOP_ORDER_EVENT(OrderDelivered);
SHOP_ORDER_EVENT(OrderCancelled);
SHOP_ORDER_EVENT(OrderExpired);
SHOP_ORDER_EVENT(OrderPaymentFailed);
SHOP_ORDER_EVENT(ReturnRequested);
SHOP_ORDER_EVENT(OrderReturned);

#undef SHOP_ORDER_EVENT

template <class E>
requires std::derived_from<E, OrderEvent>
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const E& e) {
  v = {{"order_id", e.order_id}, {"customer_id", e.customer_id}, {"total_amount", e.total_amount}};
}

template <class E>
requires std::derived_from<E, OrderEvent> E tag_invoke(boost::json::value_to_tag<E>,
                                                       const boost::json::value& v) {
  E e;
  e.order_id = boost::json::value_to<std::string>(v.at("order_id"));
  e.customer_id = boost::json::value_to<std::string>(v.at("customer_id"));
  e.total_amount = v.at("total_amount").to_number<std::int64_t>();
  return e;
}

}  // namespace shop::order
