#include "shop/infra/mail/mail_outbox.hpp"

#include "shop/infra/events/outbox.hpp"

#include <boost/json.hpp>

namespace shop::infra::mail {

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const MailRequested& e) {
  v = {{"from", e.message.from}, {"to", e.message.to}, {"subject", e.message.subject}, {"body", e.message.body}};
}

MailRequested tag_invoke(boost::json::value_to_tag<MailRequested>, const boost::json::value& v) {
  const auto& o = v.as_object();
  MailRequested e;
  e.message.from = boost::json::value_to<std::string>(o.at("from"));
  e.message.to = boost::json::value_to<std::string>(o.at("to"));
  e.message.subject = boost::json::value_to<std::string>(o.at("subject"));
  e.message.body = boost::json::value_to<std::string>(o.at("body"));
  return e;
}

std::string queue_mail(db::Tx& tx, const MailMessage& message) {
  // Formatting validates the headers: refuse now rather than dead-letter later.
  format_message(message, std::chrono::system_clock::now(), "check@shopd");
  return events::publish(tx, MailRequested{message});
}

events::Subscription mail_sender(MailTransport& transport) {
  events::Subscription subscription("mail.sender");
  subscription.on<MailRequested>([&transport](db::Tx&, const MailRequested& e, const events::Event& event) {
    MailMessage message = e.message;
    message.message_id = event.id + "@shopd";
    transport.send(message);
  });
  return subscription;
}

}  // namespace shop::infra::mail
