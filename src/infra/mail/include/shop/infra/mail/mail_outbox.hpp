#pragma once

#include "shop/infra/db/database.hpp"
#include "shop/infra/events/subscription.hpp"
#include "shop/infra/mail/mail.hpp"

#include <string>

// Mail leaves through the outbox: a module queues a message in the transaction of the change it
// reports, so a change that rolls back mails nobody, and the `mail.sender` subscriber hands it to the
// transport after commit. A transport failure (SMTP down) is a failed delivery: retried with backoff,
// a dead letter in the end, never a lost mail. A retried message keeps its Message-ID.
namespace shop::infra::mail {

// The event; its payload is the message.
struct MailRequested {
  static constexpr std::string_view kType = "shopd.mail.MailRequested";
  static constexpr int kVersion = 1;
  MailMessage message;
};

// Returns the id of the event carrying the message. Throws std::invalid_argument for a message the
// transport could never send (a line break in a header), before anything is written.
std::string queue_mail(db::Tx& tx, const MailMessage& message);

// The subscriber that sends queued mail through `transport`, which must outlive the dispatcher.
events::Subscription mail_sender(MailTransport& transport);

}  // namespace shop::infra::mail
