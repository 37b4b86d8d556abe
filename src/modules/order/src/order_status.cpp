#include "shop/order/order_status.hpp"
#include "shop/order/order_events.hpp"

#include <array>

namespace shop::order {
namespace {

using S = OrderStatus;

constexpr std::array<std::pair<OrderStatus, std::string_view>, 9> kNames{{
    {S::kPendingPayment, "pending_payment"},
    {S::kPaid, "paid"},
    {S::kShipping, "shipping"},
    {S::kDelivered, "delivered"},
    {S::kCancelled, "cancelled"},
    {S::kExpired, "expired"},
    {S::kPaymentFailed, "payment_failed"},
    {S::kReturnRequested, "return_requested"},
    {S::kReturned, "returned"},
}};

static_assert(
    [] {
      for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (kNames[i].first != static_cast<OrderStatus>(i)) return false;
      }
      return true;
    }(),
    "kNames lists the statuses in the order of the enum");

constexpr auto kStatuses = [] {
  std::array<OrderStatus, kNames.size()> statuses{};
  for (std::size_t i = 0; i < kNames.size(); ++i) statuses[i] = kNames[i].first;
  return statuses;
}();

// The whole diagram of API.md, Orders.
constexpr Transition kTransitions[] = {
    {S::kPendingPayment, S::kPaid, "the gateway confirmed the payment", OrderPaid::kType},
    {S::kPendingPayment, S::kCancelled, "the customer cancelled (stock released)", OrderCancelled::kType},
    {S::kPendingPayment, S::kExpired, "unpaid for payment_ttl (stock released)", OrderExpired::kType},
    {S::kPendingPayment, S::kPaymentFailed, "the gateway declined (stock released)",
     OrderPaymentFailed::kType},
    {S::kPaid, S::kShipping, "ship_after passed", OrderShipped::kType},
    {S::kPaid, S::kCancelled, "the customer cancelled (refund, stock restored)", OrderCancelled::kType},
    {S::kShipping, S::kDelivered, "deliver_after passed", OrderDelivered::kType},
    {S::kDelivered, S::kReturnRequested, "the customer asked within return_window", ReturnRequested::kType},
    {S::kReturnRequested, S::kReturned, "return_processing passed (refund, stock restored)",
     OrderReturned::kType},
};

}  // namespace

std::span<const OrderStatus> all_statuses() {
  return kStatuses;
}

std::string_view status_name(OrderStatus status) {
  for (const auto& [s, name] : kNames) {
    if (s == status) return name;
  }
  return "unknown";
}

std::optional<OrderStatus> parse_status(std::string_view name) {
  for (const auto& [s, text] : kNames) {
    if (text == name) return s;
  }
  return std::nullopt;
}

std::span<const Transition> transitions() {
  return kTransitions;
}

const Transition* find_transition(StatusChange change) {
  const auto [from, to] = change;
  for (const auto& t : kTransitions) {
    if (t.from == from && t.to == to) return &t;
  }
  return nullptr;
}

}  // namespace shop::order
