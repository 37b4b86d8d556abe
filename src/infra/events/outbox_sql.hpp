#pragma once

#include "shop/infra/db/rows.hpp"
#include "shop/infra/events/event.hpp"

#include <boost/json/parse.hpp>

// Private to infra/events: SQL fragments the outbox's statements share, and the Event a row makes.
namespace shop::infra::events {

// The channel the dispatcher LISTENs on. Publishing an event with a subscriber, and replaying,
// NOTIFY it; PostgreSQL delivers a NOTIFY only when its transaction commits, and once per
// transaction however many were sent.
#define SHOP_WAKE_CHANNEL "shopd_events"
#define SHOP_SQL_WAKE "pg_notify('" SHOP_WAKE_CHANNEL "', '')"

// For `SELECT ..., SHOP_EVENT_COLUMNS FROM shopd.outbox_events e ...`; read by event_from_row.
#define SHOP_EVENT_COLUMNS "e.id, e.type, e.version, e.occurred_at, e.payload"

inline Event event_from_row(const db::Row& row, int first) {
  return {.id = row.string(first),
          .type = row.string(first + 1),
          .version = static_cast<int>(row.integer(first + 2)),
          .occurred_at = row.time(first + 3),
          .payload = boost::json::parse(row.text(first + 4))};
}

}  // namespace shop::infra::events
