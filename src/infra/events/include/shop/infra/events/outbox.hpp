#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/events/event.hpp"

#include <boost/json/value_from.hpp>

#include <optional>
#include <string>

// Publishing: the event is written in the caller's transaction, so it exists exactly when the change
// it announces does. Delivery to each subscriber registered for its type follows after commit.
namespace shop::infra::events {

struct PublishOptions {
  // Deliver no earlier than this: a delayed job ("expire this order in 30 minutes") is an event the
  // publishing module subscribes to itself.
  std::optional<clock::TimePoint> deliver_at;
};

// Returns the event's id.
std::string publish(db::Tx& tx, std::string_view type, int version, const boost::json::value& payload,
                    const PublishOptions& options = {});

template <EventType E>
std::string publish(db::Tx& tx, const E& event, const PublishOptions& options = {}) {
  return publish(tx, E::kType, E::kVersion, boost::json::value_from(event), options);
}

}  // namespace shop::infra::events
