#include "shop/infra/events/dead_letters.hpp"

#include "outbox_sql.hpp"
#include "shop/infra/events/outbox.hpp"

namespace shop::infra::events {
namespace {

constexpr db::Statement kListDeadLetters{
    "events.list_dead_letters",
    "SELECT d.id, d.subscriber, d.attempts, COALESCE(d.last_error, ''), "
    "d.last_attempt_at, " SHOP_EVENT_COLUMNS
    " FROM shopd.event_deliveries d JOIN shopd.outbox_events e ON e.position = d.event_position"
    " WHERE d.status = 'dead' AND d.id > $1 ORDER BY d.id LIMIT $2"};

constexpr db::Statement kReplay{
    "events.replay_dead_letter",
    "UPDATE shopd.event_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1"
    " WHERE id = $2 AND status = 'dead'"};

constexpr db::Statement kWake{"events.wake", "SELECT " SHOP_SQL_WAKE};

}  // namespace

DeadLetterPage list_dead_letters(db::Tx& tx, std::size_t limit, std::int64_t after) {
  DeadLetterPage page;
  // One more than asked tells whether another page follows.
  for (const auto row : tx.query(kListDeadLetters, after, limit + 1)) {
    if (page.items.size() == limit) {
      page.next_after = page.items.back().id;
      break;
    }
    page.items.push_back({.id = row.integer(0),
                          .subscriber = row.string(1),
                          .event = event_from_row(row, 5),
                          .attempts = static_cast<int>(row.integer(2)),
                          .last_error = row.string(3),
                          .failed_at = row.time(4)});
  }
  return page;
}

bool replay_dead_letter(db::Tx& tx, std::int64_t id, clock::TimePoint now) {
  if (tx.exec(kReplay, now, id) == 0) return false;
  tx.query(kWake);
  return true;
}

}  // namespace shop::infra::events
