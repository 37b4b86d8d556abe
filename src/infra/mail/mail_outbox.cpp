#include "shop/infra/mail/mail_outbox.hpp"

#include "shop/infra/crypto/base64.hpp"
#include "shop/infra/events/outbox.hpp"

#include <boost/json.hpp>

namespace shop::infra::mail {
namespace {

// Binds a sealed message to its purpose: no other ciphertext decrypts as a mail.
constexpr std::string_view kAssociatedData = "shopd.mail.MailRequested";

}  // namespace

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const MailRequested& e) {
  v = {{"sealed", e.sealed}};
}

MailRequested tag_invoke(boost::json::value_to_tag<MailRequested>, const boost::json::value& v) {
  return {boost::json::value_to<std::string>(v.at("sealed"))};
}

std::string MailQueue::queue(db::Tx& tx, const MailMessage& message) const {
  // Formatting validates the headers: refuse now rather than dead-letter later.
  format_message(message, std::chrono::system_clock::now(), "check@shopd");
  const boost::json::object plain{
      {"from", message.from}, {"to", message.to}, {"subject", message.subject}, {"body", message.body}};
  const auto sealed = cipher_.encrypt(boost::json::serialize(plain), kAssociatedData);
  return events::publish(tx, MailRequested{crypto::encode_base64(sealed)});
}

events::Subscription MailQueue::sender(MailTransport& transport) const {
  events::Subscription subscription("mail.sender");
  subscription.on<MailRequested>(
      [this, &transport](db::Tx&, const MailRequested& e, const events::Event& event) {
        const auto sealed = crypto::decode_base64(e.sealed);
        const auto plain = sealed ? cipher_.decrypt(*sealed, kAssociatedData) : std::nullopt;
        // A message sealed under a key no longer in the ring stays a dead letter until it is back.
        if (!plain) throw MailError("cannot unseal the queued message (key not in the ring, or altered)");
        const auto json = boost::json::parse(*plain).as_object();
        MailMessage message;
        message.from = boost::json::value_to<std::string>(json.at("from"));
        message.to = boost::json::value_to<std::string>(json.at("to"));
        message.subject = boost::json::value_to<std::string>(json.at("subject"));
        message.body = boost::json::value_to<std::string>(json.at("body"));
        message.message_id = event.id + "@shopd";
        transport.send(message);
      });
  return subscription;
}

}  // namespace shop::infra::mail
