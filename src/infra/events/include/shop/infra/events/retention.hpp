#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/db/database.hpp"

#include <cstdint>

namespace shop::infra::events {

// Deletes deliveries handled before `cutoff`, then events older than it that no delivery needs any
// more. Pending deliveries and dead letters are kept however old. Returns the events deleted.
std::int64_t purge_handled(db::Tx& tx, clock::TimePoint cutoff);

}  // namespace shop::infra::events
