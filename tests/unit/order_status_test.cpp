// The order's state machine is one table: what it allows, what it refuses, and the event of each move.
#include "shop/order/order_status.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using shop::order::find_transition;
using shop::order::OrderStatus;
using shop::order::parse_status;
using shop::order::status_name;
using shop::order::transitions;

TEST_CASE("the transition table holds the contract's diagram and nothing else", "[unit][orders]") {
  using S = OrderStatus;
  const std::pair<S, S> allowed[] = {
      {S::kPendingPayment, S::kPaid},
      {S::kPendingPayment, S::kCancelled},
      {S::kPendingPayment, S::kExpired},
      {S::kPendingPayment, S::kPaymentFailed},
      {S::kPaid, S::kShipping},
      {S::kPaid, S::kCancelled},
      {S::kShipping, S::kDelivered},
      {S::kDelivered, S::kReturnRequested},
      {S::kReturnRequested, S::kReturned},
  };
  CHECK(transitions().size() == std::size(allowed));
  for (const auto& [from, to] : allowed) {
    INFO(status_name(from) << " -> " << status_name(to));
    const auto* t = find_transition({from, to});
    REQUIRE(t != nullptr);
    CHECK(t->event_type.starts_with("order."));
  }
  // Ends stay ends, and nothing skips a step or goes back.
  for (auto end : {S::kCancelled, S::kExpired, S::kPaymentFailed, S::kReturned}) {
    for (const auto& t : transitions()) CHECK(t.from != end);
  }
  CHECK(find_transition({S::kShipping, S::kCancelled}) == nullptr);
  CHECK(find_transition({S::kPendingPayment, S::kShipping}) == nullptr);
  CHECK(find_transition({S::kPaid, S::kPendingPayment}) == nullptr);
  // Each target status is reached with one event type.
  std::set<std::string> events;
  for (const auto& t : transitions()) events.insert(std::string(t.event_type));
  CHECK(events.size() == 8);  // cancelled is reached from two statuses with one event
}

TEST_CASE("status names round-trip and unknown names are refused", "[unit][orders]") {
  for (const auto& t : transitions()) {
    CHECK(parse_status(status_name(t.from)) == t.from);
    CHECK(parse_status(status_name(t.to)) == t.to);
  }
  CHECK_FALSE(parse_status("lost"));
  CHECK_FALSE(parse_status("PAID"));
}
