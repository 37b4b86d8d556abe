#pragma once

#include <optional>
#include <span>
#include <string_view>

// An order's life (API.md, Orders) as one table of allowed transitions, each with the event it
// publishes in the transaction that makes it. Every change of status is one conditional UPDATE from
// the expected status, so two racing changes (a cancel and an expiry, a cancel and a payment) have
// one winner.
namespace shop::order {

enum class OrderStatus {
  kPendingPayment,
  kPaid,
  kShipping,
  kDelivered,
  kCancelled,
  kExpired,
  kPaymentFailed,
  kReturnRequested,
  kReturned,
};

// Every status, in the order of the enum.
std::span<const OrderStatus> all_statuses();
std::string_view status_name(OrderStatus status);
std::optional<OrderStatus> parse_status(std::string_view name);

struct Transition {
  OrderStatus from;
  OrderStatus to;
  std::string_view trigger;     // who or what moves it
  std::string_view event_type;  // what it publishes (shop/order/order_events.hpp)
};

// Every transition there is; anything else is a programming error.
std::span<const Transition> transitions();
// A move from one status to another, as the table is asked about it.
struct StatusChange {
  OrderStatus from;
  OrderStatus to;
};
// The transition making `change`, if the table has it.
const Transition* find_transition(StatusChange change);

}  // namespace shop::order
