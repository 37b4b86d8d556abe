#include "shop/infra/events/outbox.hpp"

#include "outbox_sql.hpp"

#include "shop/infra/crypto/random.hpp"

#include <boost/json/serialize.hpp>

namespace shop::infra::events {
namespace {

// The event, its fan-out to the subscribers of its type, and the wake-up NOTIFY, in one statement
// deferred to the publisher's next round trip (usually its COMMIT). A delivery due at once is due
// since -infinity: whatever the dispatcher's clock says (a test's clock, an application server's
// clock a little behind the database's), it is due. An event nobody subscribes to sends no NOTIFY:
// there is nothing to deliver, and every NOTIFY wakes each process's dispatcher for a round of
// claims over all its subscribers.
constexpr db::Statement kPublish{
    "events.publish",
    "WITH event AS ("
    "  INSERT INTO shopd.outbox_events (id, type, version, payload) VALUES ($1, $2, $3, $4::jsonb)"
    "  RETURNING position"
    "), fanout AS ("
    "  INSERT INTO shopd.event_deliveries (event_position, subscriber, next_attempt_at)"
    "  SELECT event.position, s.subscriber, COALESCE($5::timestamptz, '-infinity')"
    "  FROM event JOIN shopd.event_subscriptions s ON s.event_type = $2"
    "  RETURNING 1"
    ")"
    "SELECT " SHOP_SQL_WAKE " FROM fanout LIMIT 1"};

}  // namespace

std::string publish(db::Tx& tx, std::string_view type, int version, const boost::json::value& payload,
                    const PublishOptions& options) {
  auto id = crypto::random_uuid();
  tx.defer(kPublish, id, type, version, boost::json::serialize(payload), options.deliver_at);
  return id;
}

}  // namespace shop::infra::events
