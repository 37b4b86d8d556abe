#pragma once

#include "shop/infra/db/database.hpp"
#include "shop/infra/events/event.hpp"

#include <fmt/format.h>
#include <boost/json/value_to.hpp>

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>

// Subscribing: a durable name and a handler per event type. The dispatcher runs a handler inside a
// transaction and records the delivery as handled in that same transaction, so the handler's database
// effects happen exactly once however often the event is delivered. Effects outside the database (a
// mail, a gateway call) happen at least once: make them idempotent with Event::id.
namespace shop::infra::events {

using Handler = std::function<void(db::Tx&, const Event&)>;

class Subscription {
 public:
  // name: stable across releases ("notification.order_mail"); renaming it starts a new subscriber.
  explicit Subscription(std::string name) : name_(std::move(name)) {}

  Subscription& on(std::string type, Handler handler) {
    if (!handlers_.emplace(std::move(type), std::move(handler)).second) {
      throw std::logic_error("two handlers for one event type in subscription " + name_);
    }
    return *this;
  }

  // handler(Tx&, const E&) or handler(Tx&, const E&, const Event&). An event newer than E (a higher
  // version, from a newer release) fails and is retried, never half-understood.
  template <EventType E, class F>
  Subscription& on(F handler) {
    return on(std::string(E::kType), [handler = std::move(handler)](db::Tx& tx, const Event& event) {
      if (event.version > E::kVersion) {
        throw std::runtime_error(fmt::format("{} version {} is newer than this release understands ({})",
                                             event.type, event.version, E::kVersion));
      }
      const E decoded = boost::json::value_to<E>(event.payload);
      if constexpr (std::is_invocable_v<F&, db::Tx&, const E&, const Event&>) {
        handler(tx, decoded, event);
      } else {
        handler(tx, decoded);
      }
    });
  }

  const std::string& name() const { return name_; }
  const std::map<std::string, Handler>& handlers() const { return handlers_; }

 private:
  std::string name_;
  std::map<std::string, Handler> handlers_;
};

}  // namespace shop::infra::events
