#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/db/database.hpp"

#include <span>
#include <string>

namespace shop::app {

// `shopd dead-letters list [--limit N] [--after ID]` and `shopd dead-letters replay ID`: the
// operator's view of events that exhausted their retries. Prints to stdout; returns the exit code
// (2 for bad arguments, 1 when the dead letter to replay does not exist).
int run_dead_letters_command(infra::db::Database& db, const infra::clock::Clock& clock,
                             std::span<const std::string> args);

}  // namespace shop::app
