#include "shop/infra/events/dead_letters.hpp"

#include "outbox_sql.hpp"
#include "shop/infra/events/outbox.hpp"

namespace shop::infra::events {
namespace {

constexpr const char* kListDeadLetters =
    "SELECT d.id, d.subscriber, d.attempts, COALESCE(d.last_error, ''),"
    " (extract(epoch FROM d.last_attempt_at) * 1000000)::bigint, " SHOP_EVENT_COLUMNS
    " FROM shopd.event_deliveries d JOIN shopd.outbox_events e ON e.position = d.event_position"
    " WHERE d.status = 'dead' AND d.id > :after ORDER BY d.id LIMIT :limit";

constexpr const char* kReplay =
    "UPDATE shopd.event_deliveries SET status = 'pending', attempts = 0,"
    " next_attempt_at = " SHOP_SQL_TIMESTAMP(":now") " WHERE id = :id AND status = 'dead'";

constexpr const char* kWake = "SELECT " SHOP_SQL_WAKE;

}  // namespace

DeadLetterPage list_dead_letters(db::Session& session, std::size_t limit, std::int64_t after) {
  DeadLetterPage page;
  // One more than asked tells whether another page follows.
  const auto fetch = static_cast<long long>(limit) + 1;
  const auto after_id = static_cast<long long>(after);
  soci::rowset<soci::row> rows =
      (session.sql().prepare << kListDeadLetters, soci::use(after_id), soci::use(fetch));
  for (const soci::row& row : rows) {
    if (page.items.size() == limit) {
      page.next_after = page.items.back().id;
      break;
    }
    DeadLetter letter;
    letter.id = row.get<long long>(0);
    letter.subscriber = row.get<std::string>(1);
    letter.attempts = row.get<int>(2);
    letter.last_error = row.get<std::string>(3);
    letter.failed_at = clock::TimePoint(std::chrono::microseconds(row.get<long long>(4)));
    letter.event = event_from_row(row, 5);
    page.items.push_back(std::move(letter));
  }
  return page;
}

bool replay_dead_letter(db::Tx& tx, std::int64_t id, clock::TimePoint now) {
  const auto delivery = static_cast<long long>(id);
  const long long at = clock::epoch_microseconds(now);
  soci::statement st = (tx.sql().prepare << kReplay, soci::use(at), soci::use(delivery));
  st.execute(true);
  if (st.get_affected_rows() == 0) return false;
  tx.sql() << kWake;
  return true;
}

}  // namespace shop::infra::events
