// NotificationListener with handlers: payloads in order, and what a cache needs to know about its
// connection (it is listening; it lost the connection, and listens again after reconnecting).
#include "shop/infra/db/notification_listener.hpp"

#include "support/eventually.hpp"
#include "support/test_database.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

using shop::test::eventually;
using shop::test::query_value;
using namespace std::chrono_literals;

TEST_CASE("a listener hands over payloads and reports a lost connection and the reconnect",
          "[db][listener]") {
  shop::test::TestDatabase t;
  std::mutex mutex;
  std::vector<std::string> payloads;
  std::atomic<int> listening = 0, lost = 0;
  shop::infra::db::NotificationListener listener(t.url(), "test_changes",
                                                 {.on_notify =
                                                      [&](std::span<const std::string> batch) {
                                                        std::lock_guard lock(mutex);
                                                        payloads.insert(payloads.end(), batch.begin(),
                                                                        batch.end());
                                                      },
                                                  .on_listening = [&] { ++listening; },
                                                  .on_lost = [&] { ++lost; }});
  listener.start();
  REQUIRE(eventually([&] { return listener.listening(); }, 5s));
  CHECK(listening == 1);

  query_value(t.url(),
              "BEGIN; SELECT pg_notify('test_changes', 'a'); SELECT pg_notify('test_changes', 'b'); COMMIT");
  query_value(t.url(), "BEGIN; SELECT pg_notify('test_changes', 'rolled back'); ROLLBACK");
  query_value(t.url(), "SELECT pg_notify('other_channel', 'x')");
  query_value(t.url(), "SELECT pg_notify('test_changes', 'c')");
  REQUIRE(eventually([&] {
    std::lock_guard lock(mutex);
    return payloads.size() >= 3;
  }));
  {
    std::lock_guard lock(mutex);
    CHECK(payloads == std::vector<std::string>{"a", "b", "c"});
  }

  query_value(t.url(),
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              " WHERE datname = current_database() AND query LIKE 'LISTEN%'");
  REQUIRE(eventually([&] { return lost == 1; }, 5s));
  REQUIRE(eventually([&] { return listening == 2; }, 5s));
  listener.stop();
}
