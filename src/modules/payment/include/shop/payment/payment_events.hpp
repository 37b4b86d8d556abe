#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

// Facts the payment module publishes in the transaction that records them.
namespace shop::payment {

// The gateway charged the order: the payment is completed and the order paid.
struct PaymentCompleted {
  static constexpr std::string_view kType = "payment.PaymentCompleted";
  static constexpr int kVersion = 1;
  std::string payment_id;
  std::string order_id;
  std::int64_t amount = 0;
};

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const PaymentCompleted& e) {
  v = {{"payment_id", e.payment_id}, {"order_id", e.order_id}, {"amount", e.amount}};
}

inline PaymentCompleted tag_invoke(boost::json::value_to_tag<PaymentCompleted>, const boost::json::value& v) {
  return {.payment_id = boost::json::value_to<std::string>(v.at("payment_id")),
          .order_id = boost::json::value_to<std::string>(v.at("order_id")),
          .amount = v.at("amount").to_number<std::int64_t>()};
}

// The gateway refunded a cancelled or returned order's payment in full.
struct PaymentRefunded {
  static constexpr std::string_view kType = "payment.PaymentRefunded";
  static constexpr int kVersion = 1;
  std::string payment_id;
  std::string order_id;
  std::string customer_id;
  std::int64_t amount = 0;
};

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const PaymentRefunded& e) {
  v = {{"payment_id", e.payment_id},
       {"order_id", e.order_id},
       {"customer_id", e.customer_id},
       {"amount", e.amount}};
}

inline PaymentRefunded tag_invoke(boost::json::value_to_tag<PaymentRefunded>, const boost::json::value& v) {
  return {.payment_id = boost::json::value_to<std::string>(v.at("payment_id")),
          .order_id = boost::json::value_to<std::string>(v.at("order_id")),
          .customer_id = boost::json::value_to<std::string>(v.at("customer_id")),
          .amount = v.at("amount").to_number<std::int64_t>()};
}

}  // namespace shop::payment
