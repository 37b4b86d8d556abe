#include "shop/notification/notification_module.hpp"

#include "shop/order/order_events.hpp"

#include <fmt/format.h>

namespace shop::notification {
namespace {

struct OrderMail {
  std::string_view subject;
  std::string_view body;  // {0}: the order id, {1}: its total in won
};

constexpr OrderMail kPaid{
    "Your order is paid",
    "Thank you: we received the payment of {1} KRW for order {0}.\n\nWe will mail you again "
    "when it ships."};
constexpr OrderMail kCancelled{
    "Your order is cancelled",
    "Order {0} ({1} KRW) is cancelled. Nothing was charged, or the charge is refunded."};

// Queues `mail` to the customer of `order` in the delivery's transaction. A customer who withdrew,
// or an account without an e-mail address, gets none.
void queue(const NotificationDeps& deps, infra::db::Tx& tx, const order::OrderEvent& order,
           const infra::events::Event& event, const OrderMail& mail) {
  const auto contact = deps.users.contact(tx, order.customer_id);
  if (!contact || !contact->email) return;
  deps.mail.queue(tx, {.from = deps.mail_from,
                       .to = *contact->email,
                       .subject = std::string(mail.subject),
                       .body = fmt::format(fmt::runtime(mail.body), order.order_id, order.total_amount),
                       // The event's id: a copy of this mail has the same Message-ID.
                       .message_id = fmt::format("order-mail-{}@shopd.invalid", event.id)});
}

}  // namespace

infra::events::Subscription order_mail_subscription(NotificationDeps deps) {
  infra::events::Subscription s{std::string(kOrderMailSubscriber)};
  s.on<order::OrderPaid>([deps](infra::db::Tx& tx, const order::OrderPaid& e,
                                const infra::events::Event& event) { queue(deps, tx, e, event, kPaid); });
  s.on<order::OrderCancelled>(
      [deps](infra::db::Tx& tx, const order::OrderCancelled& e, const infra::events::Event& event) {
        queue(deps, tx, e, event, kCancelled);
      });
  return s;
}

}  // namespace shop::notification
