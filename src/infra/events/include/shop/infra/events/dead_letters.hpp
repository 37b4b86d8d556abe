#pragma once

#include "shop/infra/db/database.hpp"
#include "shop/infra/events/event.hpp"

#include <cstdint>
#include <optional>
#include <vector>

// Deliveries that failed max_attempts times stay as dead letters, with the last error, until an
// operator replays them (`shopd dead-letters`, the admin API). Replaying makes the delivery due
// now with a fresh count of attempts.
namespace shop::infra::events {

struct DeadLetter {
  std::int64_t id = 0;  // the delivery's id
  std::string subscriber;
  Event event;
  int attempts = 0;
  std::string last_error;
  clock::TimePoint failed_at;
};

struct DeadLetterPage {
  std::vector<DeadLetter> items;
  std::optional<std::int64_t> next_after;  // pass as `after` for the next page; empty on the last
};

// Oldest first, ids greater than `after`.
DeadLetterPage list_dead_letters(db::Tx& tx, std::size_t limit, std::int64_t after = 0);

// False if `id` is not a dead letter (unknown, or already replayed).
bool replay_dead_letter(db::Tx& tx, std::int64_t id, clock::TimePoint now);

}  // namespace shop::infra::events
