#include "descriptor_budget.hpp"

#include <catch2/catch.hpp>

using shop::app::AppConfig;
using shop::app::connections_within;

TEST_CASE("client connections get what the descriptor limit leaves beside the process's own",
          "[unit][app_config]") {
  AppConfig config;
  config.database.pool_size = 8;
  config.database.read_pool_size = 4;
  config.events.threads = 2;
  const auto at_1024 = connections_within(1024, config);
  CHECK(at_1024 > 0);
  CHECK(at_1024 < 1024 - 8 - 4 - 1);  // database pools, the event listener and more stay free
  CHECK(connections_within(2048, config) == at_1024 + 1024);

  // Every database connection and event thread takes from the clients.
  AppConfig bigger = config;
  bigger.database.pool_size = 108;
  CHECK(connections_within(1024, bigger) == at_1024 - 100);
  bigger.events.threads = 12;
  CHECK(connections_within(1024, bigger) < at_1024 - 100 - 10);

  CHECK(connections_within(16, config) == 0);  // not even the process itself fits
  CHECK(connections_within(0, config) == 0);
}
