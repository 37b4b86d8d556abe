#pragma once

#include "shop/user/user_directory.hpp"

#include "shop/infra/events/subscription.hpp"
#include "shop/infra/mail/mail_outbox.hpp"

#include <string>
#include <string_view>

// Mail to customers about their orders, for src/app only. It reacts to the order and payment
// modules' events, asks the user module for the address, and queues the mail through the outbox in
// the event's delivery transaction: a redelivered event queues no second mail.
namespace shop::notification {

inline constexpr std::string_view kOrderMailSubscriber = "notification.order_mail";

struct NotificationDeps {
  const user::UserDirectory& users;
  const infra::mail::MailQueue& mail;
  std::string mail_from;
};

// Mails the customer when an order is paid, shipped, delivered or cancelled, and when its payment
// is refunded.
infra::events::Subscription order_mail_subscription(NotificationDeps deps);

}  // namespace shop::notification
