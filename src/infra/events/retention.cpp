#include "shop/infra/events/retention.hpp"

#include "outbox_sql.hpp"

namespace shop::infra::events {
namespace {

constexpr db::Statement kPurgeDeliveries{
    "events.purge_handled_deliveries",
    "DELETE FROM shopd.event_deliveries WHERE status = 'handled' AND handled_at < $1"};
// A separate statement: a data-modifying CTE's deletions are invisible to the rest of its statement.
constexpr db::Statement kPurgeEvents{
    "events.purge_events",
    "DELETE FROM shopd.outbox_events e WHERE e.occurred_at < $1"
    " AND NOT EXISTS (SELECT 1 FROM shopd.event_deliveries d WHERE d.event_position = e.position)"};

}  // namespace

std::int64_t purge_handled(db::Tx& tx, clock::TimePoint cutoff) {
  tx.exec(kPurgeDeliveries, cutoff);
  return tx.exec(kPurgeEvents, cutoff);
}

}  // namespace shop::infra::events
