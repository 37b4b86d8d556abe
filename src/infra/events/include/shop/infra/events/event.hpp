#pragma once

#include "shop/infra/clock/clock.hpp"

#include <boost/json/value.hpp>

#include <concepts>
#include <string>
#include <string_view>

// What travels on the event bus. A module declares the events it publishes in its own include/, as
// plain structs that Boost.JSON converts (tag_invoke value_from / value_to):
//
//   struct OrderPaid {
//     static constexpr std::string_view kType = "order.OrderPaid";
//     static constexpr int kVersion = 1;   // bump when the payload changes incompatibly
//     std::int64_t order_id;
//     friend void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const OrderPaid& e);
//     friend OrderPaid tag_invoke(boost::json::value_to_tag<OrderPaid>, const boost::json::value& v);
//   };
namespace shop::infra::events {

template <class E>
concept EventType = requires {
  { E::kType } -> std::convertible_to<std::string_view>;
  { E::kVersion } -> std::convertible_to<int>;
};

// One event as stored in the outbox and handed to subscribers.
struct Event {
  std::string id;  // UUID, stable across redeliveries: the key for idempotency outside the database
  std::string type;
  int version = 0;
  clock::TimePoint occurred_at;  // commit-time clock of the publishing transaction
  boost::json::value payload;
};

}  // namespace shop::infra::events
