// The storefront's page cache: bounded by bytes, aged out by its TTL, pruned by evictions that win
// every race with a fill begun before them.
#include "page_cache.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <thread>

using shop::catalog::PageCache;
using namespace std::chrono_literals;

namespace {

void put(PageCache& cache, const std::string& key, std::string body) {
  const auto generation = cache.begin_fill();
  REQUIRE(generation);
  cache.fill(*generation, key, std::move(body));
}

}  // namespace

TEST_CASE("the page cache serves nothing and stores nothing until it is switched on",
          "[unit][catalog][cache]") {
  PageCache cache(1 << 20, 1min);
  CHECK_FALSE(cache.begin_fill());
  cache.set_enabled(true);
  put(cache, "a", "body");
  CHECK(cache.find("a") == "body");
  cache.set_enabled(false);
  CHECK_FALSE(cache.find("a"));
}

TEST_CASE("the page cache stays within its bytes, dropping the oldest", "[unit][catalog][cache]") {
  PageCache cache(16 * 4096, 1min);  // 16 shards of 4 KiB
  cache.set_enabled(true);
  for (int i = 0; i < 1000; ++i) put(cache, "key" + std::to_string(i), std::string(1000, 'x'));
  CHECK(cache.bytes() <= 16 * 4096);
  CHECK(cache.size() < 1000);
  CHECK(cache.size() >= 16);
  CHECK(cache.find("key999"));  // the newest stays
  CHECK_FALSE(cache.find("key0"));
  put(cache, "huge", std::string(8192, 'x'));  // larger than a shard: never stored
  CHECK_FALSE(cache.find("huge"));
}

TEST_CASE("the page cache keeps a page that is read while others come and go", "[unit][catalog][cache]") {
  PageCache cache(16 * 4096, 1min);
  cache.set_enabled(true);
  put(cache, "hot", "body");
  for (int i = 0; i < 1000; ++i) {
    put(cache, "key" + std::to_string(i), std::string(1000, 'x'));
    REQUIRE(cache.find("hot") == "body");
  }
}

TEST_CASE("the page cache forgets an entry once it is older than its TTL", "[unit][catalog][cache]") {
  PageCache cache(1 << 20, 30ms);
  cache.set_enabled(true);
  put(cache, "a", "body");
  CHECK(cache.find("a"));
  std::this_thread::sleep_for(40ms);
  CHECK_FALSE(cache.find("a"));
  CHECK(cache.size() == 0);
}

TEST_CASE("a fill begun before an eviction or a clear is dropped", "[unit][catalog][cache]") {
  PageCache cache(1 << 20, 1min);
  cache.set_enabled(true);
  put(cache, "a", "old");
  const auto before_evict = cache.begin_fill();
  cache.evict("a");
  cache.fill(*before_evict, "a", "read before the change committed");
  CHECK_FALSE(cache.find("a"));

  const auto before_clear = cache.begin_fill();
  cache.clear();
  cache.fill(*before_clear, "b", "stale");
  CHECK_FALSE(cache.find("b"));

  put(cache, "a", "new");
  CHECK(cache.find("a") == "new");
}
