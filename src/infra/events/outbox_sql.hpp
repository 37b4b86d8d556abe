#pragma once

#include "shop/infra/events/event.hpp"

#include <soci/soci.h>
#include <boost/json/parse.hpp>

#include <chrono>

// Private to infra/events: SQL fragments the outbox's statements share, and the Event a row makes.
namespace shop::infra::events {

// The channel the dispatcher LISTENs on. Publishing and replaying NOTIFY it; PostgreSQL delivers a
// NOTIFY only when its transaction commits, and once per transaction however many were sent.
#define SHOP_WAKE_CHANNEL "shopd_events"
#define SHOP_SQL_WAKE "pg_notify('" SHOP_WAKE_CHANNEL "', '')"

// For `SELECT ..., <kEventColumns> FROM shopd.outbox_events e ...`.
#define SHOP_EVENT_COLUMNS \
  "e.id::text, e.type, e.version, (extract(epoch FROM e.occurred_at) * 1000000)::bigint, e.payload::text"

inline Event event_from_row(const soci::row& row, std::size_t first) {
  Event event;
  event.id = row.get<std::string>(first);
  event.type = row.get<std::string>(first + 1);
  event.version = row.get<int>(first + 2);
  event.occurred_at = clock::TimePoint(std::chrono::microseconds(row.get<long long>(first + 3)));
  event.payload = boost::json::parse(row.get<std::string>(first + 4));
  return event;
}

// `timestamptz 'epoch' + :at * interval '1 microsecond'`, from clock::epoch_microseconds().
#define SHOP_SQL_TIMESTAMP(param) "(timestamptz 'epoch' + " param " * interval '1 microsecond')"

}  // namespace shop::infra::events
