#include "shop/infra/events/outbox.hpp"

#include "outbox_sql.hpp"

#include <boost/json/serialize.hpp>

namespace shop::infra::events {
namespace {

// One round trip: the event, its fan-out to the subscribers of its type, and the wake-up NOTIFY. A
// delivery due at once is due since -infinity: whatever the dispatcher's clock says (a test's
// clock, an application server's clock a little behind the database's), it is due.
constexpr const char* kPublish =
    "WITH event AS ("
    "  INSERT INTO shopd.outbox_events (type, version, payload) VALUES (:type, :version, CAST(:payload AS jsonb))"
    "  RETURNING position, id"
    "), fanout AS ("
    "  INSERT INTO shopd.event_deliveries (event_position, subscriber, next_attempt_at)"
    "  SELECT event.position, s.subscriber, COALESCE(" SHOP_SQL_TIMESTAMP("CAST(:deliver_at AS bigint)") ", '-infinity')"
    "  FROM event JOIN shopd.event_subscriptions s ON s.event_type = :fanout_type"
    ")"
    "SELECT event.id::text FROM event CROSS JOIN LATERAL (SELECT " SHOP_SQL_WAKE ") AS woken";

// Prepared once per connection: publishing is on the hot path of every command that announces a fact.
struct PublishStatement {
  explicit PublishStatement(soci::session& sql)
      : st((sql.prepare << kPublish, soci::use(type), soci::use(version), soci::use(payload),
            soci::use(deliver_at, deliver_at_set), soci::use(type), soci::into(id))) {}
  std::string type;
  int version = 0;
  std::string payload;
  long long deliver_at = 0;
  soci::indicator deliver_at_set = soci::i_null;
  std::string id;
  soci::statement st;
};

}  // namespace

std::string publish(db::Tx& tx, std::string_view type, int version, const boost::json::value& payload,
                    const PublishOptions& options) {
  auto& q = tx.prepared<PublishStatement>();
  q.type = type;
  q.version = version;
  q.payload = boost::json::serialize(payload);
  q.deliver_at = options.deliver_at ? clock::epoch_microseconds(*options.deliver_at) : 0;
  q.deliver_at_set = options.deliver_at ? soci::i_ok : soci::i_null;
  q.st.execute(true);
  return q.id;
}

}  // namespace shop::infra::events
