#include "shop/infra/events/retention.hpp"

#include "outbox_sql.hpp"

namespace shop::infra::events {
namespace {

constexpr const char* kPurgeDeliveries =
    "DELETE FROM shopd.event_deliveries WHERE status = 'handled' AND handled_at < " SHOP_SQL_TIMESTAMP(
        ":cutoff");
// A separate statement: a data-modifying CTE's deletions are invisible to the rest of its statement.
constexpr const char* kPurgeEvents =
    "DELETE FROM shopd.outbox_events e WHERE e.occurred_at < " SHOP_SQL_TIMESTAMP(":cutoff")
    " AND NOT EXISTS (SELECT 1 FROM shopd.event_deliveries d WHERE d.event_position = e.position)";

}  // namespace

std::int64_t purge_handled(db::Tx& tx, clock::TimePoint cutoff) {
  const long long at = clock::epoch_microseconds(cutoff);
  tx.sql() << kPurgeDeliveries, soci::use(at);
  soci::statement events = (tx.sql().prepare << kPurgeEvents, soci::use(at));
  events.execute(true);
  return events.get_affected_rows();
}

}  // namespace shop::infra::events
