// The storefront cache across two shopd processes on one database: a change committed through one
// reaches the other's cached pages by NOTIFY, a list's stock within the TTL, and a lost listening connection
// makes a process forget everything it cached.
#include "support/problem_assertions.hpp"
#include "support/products.hpp"

#include "support/eventually.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using shop::test::create_product;
using shop::test::EnvList;
using shop::test::eventually;
using shop::test::query_value;
using shop::test::Shop;
using namespace std::chrono_literals;

namespace {

boost::json::value get(const shop::test::ShopServer& server, const std::string& path) {
  const auto r = server.call("GET", path);
  return r.status == 200 ? r.json() : boost::json::value(r.status);
}

// Whether `server` serves `path` from its cache: a rename behind the catalog's back (no NOTIFY) is
// not seen. The product's own creation NOTIFY may still be on its way under load and evict the page
// once more, so each round caches the page again under a new name before looking.
bool serves_cached(const shop::test::Shop& shop, const shop::test::ShopServer& server,
                   const std::string& id) {
  const auto path = "/products/" + id;
  for (int round = 1; round <= 20; ++round) {
    const auto cached = get(server, path).at("name");
    query_value(shop.db().url(), "UPDATE catalog.products SET name = 'Behind its back " +
                                     std::to_string(round) + "' WHERE id = '" + id + "' RETURNING 1");
    if (get(server, path).at("name") == cached) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// The cache serves once its process LISTENs, which it starts doing beside serving.
bool cache_on(const std::string& log) {
  return log.find("storefront cache on") != std::string::npos;
}

}  // namespace

TEST_CASE("a change through one process reaches the other's cached pages at its NOTIFY, long before the TTL",
          "[http][catalog][cache]") {
  Shop shop(EnvList{{"SHOPD_CATALOG_CACHE_TTL", "1m"}});
  auto other = shop.start_another();
  const auto& port = *other;
  REQUIRE(eventually([&] { return cache_on(other->log()); }, 5s));
  const auto& seller = shop.seller();
  const auto id = std::string(create_product(shop, seller, {{"price", 1000}}).at("id").as_string());
  const auto path = "/products/" + id;
  REQUIRE(get(port, path).at("price") == 1000);
  REQUIRE(get(port, "/products").at("items").as_array().size() == 1);

  // Cached in the other process: a change the database makes behind the catalog's back (no NOTIFY)
  // is not seen for the TTL.
  CHECK(serves_cached(shop, port, id));

  const auto started = std::chrono::steady_clock::now();
  REQUIRE(shop.call("PATCH", path, {{"price", 2000}}, seller.access_token).status == 200);
  CHECK(eventually([&] { return get(port, path).at("price") == 2000; }, 5s));
  // Stock too: its own NOTIFY evicts the product's page.
  REQUIRE(shop.call("POST", path + "/stock-adjustments", {{"delta", 5}}, seller.access_token).status == 200);
  CHECK(eventually([&] { return get(port, path).at("stock_available") == 15; }, 5s));
  create_product(shop, seller, {{"name", "Second"}});
  CHECK(eventually([&] { return get(port, "/products").at("items").as_array().size() == 2; }, 5s));
  REQUIRE(shop.call("DELETE", path, nullptr, seller.access_token).status == 204);
  CHECK(eventually([&] { return get(port, path) == boost::json::value(404); }, 5s));
  CHECK(std::chrono::steady_clock::now() - started < 30s);  // NOTIFY, not the minute's TTL
}

TEST_CASE("stock_available in the other process's cached list pages is at most the TTL old",
          "[http][catalog][cache]") {
  Shop shop;  // the default TTL, 1 s
  auto other = shop.start_another();
  const auto& port = *other;
  REQUIRE(eventually([&] { return cache_on(other->log()); }, 5s));
  const auto& seller = shop.seller();
  const auto id = std::string(create_product(shop, seller).at("id").as_string());
  REQUIRE(get(port, "/products/" + id).at("stock_available") == 10);
  REQUIRE(get(port, "/products?limit=5").at("items").as_array()[0].at("stock_available") == 10);

  REQUIRE(shop.call("POST", "/products/" + id + "/stock-adjustments", {{"delta", 5}}, seller.access_token)
              .status == 200);
  const auto changed = std::chrono::steady_clock::now();
  CHECK(eventually([&] { return get(port, "/products/" + id).at("stock_available") == 15; }, 3s));
  CHECK(eventually(
      [&] { return get(port, "/products?limit=5").at("items").as_array()[0].at("stock_available") == 15; },
      3s));
  CHECK(std::chrono::steady_clock::now() - changed < 2s);  // the TTL, and slack for a loaded machine
}

TEST_CASE("a process that loses its listening connection forgets everything it cached",
          "[http][catalog][cache]") {
  Shop shop(EnvList{{"SHOPD_CATALOG_CACHE_TTL", "1m"}});
  REQUIRE(eventually([&] { return cache_on(shop.log()); }, 5s));
  const auto& seller = shop.seller();
  const auto id = std::string(create_product(shop, seller).at("id").as_string());
  const auto path = "/products/" + id;
  REQUIRE(serves_cached(shop, shop.server(), id));
  query_value(shop.db().url(),
              "UPDATE catalog.products SET name = 'Renamed in SQL' WHERE id = '" + id + "' RETURNING 1");

  query_value(shop.db().url(),
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
              " AND query LIKE 'LISTEN \"catalog_products\"%'");
  CHECK(eventually([&] { return get(shop.server(), path).at("name") == "Renamed in SQL"; }, 5s));
  // Listening again, it caches again.
  REQUIRE(eventually([&] { return shop.log().find("storefront cache off") != std::string::npos; }));
  int round = 0;
  CHECK(eventually(
      [&] {
        const auto name = "Behind its back " + std::to_string(++round);
        query_value(shop.db().url(),
                    "UPDATE catalog.products SET name = '" + name + "' WHERE id = '" + id + "' RETURNING 1");
        return get(shop.server(), path).at("name") != boost::json::value(name);
      },
      5s));
}
