#include "shop/infra/events/outbox.hpp"

#include "outbox_sql.hpp"

#include <boost/json/serialize.hpp>

namespace shop::infra::events {
namespace {

// One round trip: the event, its fan-out to the subscribers of its type, and the wake-up NOTIFY. A
// delivery due at once is due since -infinity: whatever the dispatcher's clock says (a test's
// clock, an application server's clock a little behind the database's), it is due.
constexpr db::Statement kPublish{
    "events.publish",
    "WITH event AS ("
    "  INSERT INTO shopd.outbox_events (type, version, payload) VALUES ($1, $2, $3::jsonb)"
    "  RETURNING position, id"
    "), fanout AS ("
    "  INSERT INTO shopd.event_deliveries (event_position, subscriber, next_attempt_at)"
    "  SELECT event.position, s.subscriber, COALESCE($4::timestamptz, '-infinity')"
    "  FROM event JOIN shopd.event_subscriptions s ON s.event_type = $1"
    ")"
    "SELECT event.id FROM event CROSS JOIN LATERAL (SELECT " SHOP_SQL_WAKE ") AS woken"};

}  // namespace

std::string publish(db::Tx& tx, std::string_view type, int version, const boost::json::value& payload,
                    const PublishOptions& options) {
  return tx.query(kPublish, type, version, boost::json::serialize(payload), options.deliver_at)[0].string(0);
}

}  // namespace shop::infra::events
