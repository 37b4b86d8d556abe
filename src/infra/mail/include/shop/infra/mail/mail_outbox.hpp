#pragma once

#include "shop/infra/crypto/field_cipher.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/events/subscription.hpp"
#include "shop/infra/mail/mail.hpp"

#include <string>

// Mail leaves through the outbox: a module queues a message in the transaction of the change it
// reports, so a change that rolls back mails nobody, and the `mail.sender` subscriber hands it to the
// transport after commit. A transport failure (SMTP down) is a failed delivery: retried with backoff,
// a dead letter in the end, never a lost mail. A retried message keeps its Message-ID.
//
// A queued message is sealed with the field cipher: the outbox holds recipients' addresses and
// one-time codes, and personal data is stored only encrypted.
namespace shop::infra::mail {

// The event; its payload is the sealed message.
struct MailRequested {
  static constexpr std::string_view kType = "shopd.mail.MailRequested";
  static constexpr int kVersion = 1;
  std::string sealed;  // base64 of the FieldCipher ciphertext of the message as JSON
};

class MailQueue {
 public:
  // `cipher` must outlive the queue and every subscription it makes.
  explicit MailQueue(const crypto::FieldCipher& cipher) : cipher_(cipher) {}

  // Returns the id of the event carrying the message. Throws std::invalid_argument for a message the
  // transport could never send (a line break in a header), before anything is written.
  std::string queue(db::Tx& tx, const MailMessage& message) const;

  // The subscriber that sends queued mail through `transport`, which must outlive the dispatcher.
  events::Subscription sender(MailTransport& transport) const;

 private:
  const crypto::FieldCipher& cipher_;
};

}  // namespace shop::infra::mail
