#include "shop/notification/notification_module.hpp"

#include "shop/order/order_events.hpp"
#include "shop/payment/payment_events.hpp"

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
constexpr OrderMail kShipped{
    "Your order has shipped",
    "Order {0} ({1} KRW) is on its way. Its tracking number is on the order's page."};
constexpr OrderMail kDelivered{
    "Your order is delivered",
    "Order {0} ({1} KRW) is delivered. If something is wrong with it, you can return it from the "
    "order's page for a while."};
constexpr OrderMail kCancelled{
    "Your order is cancelled",
    "Order {0} ({1} KRW) is cancelled. If it was paid, we will mail you again when the refund is done."};
constexpr OrderMail kRefunded{"Your payment is refunded",
                              "We refunded {1} KRW for order {0}. Your card issuer may take a few days "
                              "to show it."};

// What a mail is about: the customer, the order, and its amount.
struct MailFacts {
  std::string_view customer_id;
  std::string_view order_id;
  std::int64_t amount = 0;
};

// Queues `mail` in the delivery's transaction. A customer who withdrew, or an account without an
// e-mail address, gets none.
void queue(const NotificationDeps& deps, infra::db::Tx& tx, const MailFacts& facts,
           const infra::events::Event& event, const OrderMail& mail) {
  const auto contact = deps.users.contact(tx, facts.customer_id);
  if (!contact || !contact->email) return;
  deps.mail.queue(tx, {.from = deps.mail_from,
                       .to = *contact->email,
                       .subject = std::string(mail.subject),
                       .body = fmt::format(fmt::runtime(mail.body), facts.order_id, facts.amount),
                       // The event's id: a copy of this mail has the same Message-ID.
                       .message_id = fmt::format("order-mail-{}@shopd.invalid", event.id)});
}

// Mails `mail` on every event E of the order module.
template <class E>
void mail_on(infra::events::Subscription& s, const NotificationDeps& deps, const OrderMail& mail) {
  s.on<E>([deps, &mail](infra::db::Tx& tx, const E& e, const infra::events::Event& event) {
    queue(deps, tx, {.customer_id = e.customer_id, .order_id = e.order_id, .amount = e.total_amount}, event,
          mail);
  });
}

}  // namespace

infra::events::Subscription order_mail_subscription(NotificationDeps deps) {
  infra::events::Subscription s{std::string(kOrderMailSubscriber)};
  mail_on<order::OrderPaid>(s, deps, kPaid);
  mail_on<order::OrderShipped>(s, deps, kShipped);
  mail_on<order::OrderDelivered>(s, deps, kDelivered);
  mail_on<order::OrderCancelled>(s, deps, kCancelled);
  s.on<payment::PaymentRefunded>(
      [deps](infra::db::Tx& tx, const payment::PaymentRefunded& e, const infra::events::Event& event) {
        queue(deps, tx, {.customer_id = e.customer_id, .order_id = e.order_id, .amount = e.amount}, event,
              kRefunded);
      });
  return s;
}

}  // namespace shop::notification
