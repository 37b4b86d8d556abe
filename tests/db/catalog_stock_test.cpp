// The catalog's stock interface as the order module will call it, in-process on a test database:
// whole baskets or nothing, idempotent moves, limited sales, and no oversell however the calls race.
#include "shop/catalog/catalog_module.hpp"

#include "shop/infra/crypto/random.hpp"
#include "shop/infra/metrics/registry.hpp"

#include "support/project_migrations.hpp"
#include "support/test_database.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

using shop::catalog::BasketLine;
using shop::catalog::Catalog;
using shop::catalog::ReservationStatus;
using shop::catalog::ReserveError;
using shop::catalog::ReserveRequest;
using shop::catalog::TransitionRefused;
using shop::infra::clock::ManualClock;
using shop::infra::crypto::random_uuid;
using shop::infra::db::Database;
using shop::infra::db::Tx;
using shop::test::query_value;
using shop::test::TestDatabase;
using namespace std::chrono_literals;

namespace {

// One catalog module on its own pool: what one shopd process has.
struct Shopd {
  Shopd(const std::string& url, const ManualClock& clock, std::size_t connections,
        shop::infra::metrics::Registry* metrics = nullptr)
      : db({.url = url, .pool_size = connections, .read_pool_size = 1}, metrics),
        module(shop::catalog::make_catalog_module({db, clock, {}})) {}

  const Catalog& catalog() const { return module->catalog(); }
  template <class F>
  auto in_tx(F f) {
    return db.transact_blocking(f);
  }
  auto reserve(const std::string& customer, std::vector<BasketLine> lines,
               std::string order = random_uuid()) {
    const ReserveRequest request{std::move(order), customer, std::move(lines)};
    auto call = [&](Tx& tx) { return catalog().reserve(tx, request); };
    return in_tx(call);
  }
  template <class Move>
  auto move(const std::string& order, Move m) {
    auto call = [&](Tx& tx) { return (catalog().*m)(tx, order); };
    return in_tx(call);
  }

  Database db;
  std::unique_ptr<shop::catalog::CatalogModule> module;
};

struct CatalogDb {
  CatalogDb() { shop::test::apply_project_migrations(t.url()); }

  // A product straight into the table: the stock interface is what is under test here.
  std::string product(int on_hand, const std::string& extra_columns = "",
                      const std::string& extra_values = "") {
    return query_value(t.url(),
                       fmt::format("INSERT INTO catalog.products (id, seller_id, name, price, on_hand,"
                                   " created_at, updated_at{}) VALUES (gen_random_uuid(), '{}', 'Tea',"
                                   " 1000, {}, now(), now(){}) RETURNING id",
                                   extra_columns, seller, on_hand, extra_values));
  }
  std::pair<long, long> stock(const std::string& id) {
    const auto on_hand = query_value(t.url(), "SELECT on_hand FROM catalog.products WHERE id = '" + id + "'");
    const auto reserved =
        query_value(t.url(), "SELECT reserved FROM catalog.products WHERE id = '" + id + "'");
    return {std::stol(on_hand), std::stol(reserved)};
  }
  long count(const std::string& sql) { return std::stol(query_value(t.url(), sql)); }

  TestDatabase t;
  ManualClock clock;
  const std::string seller = random_uuid();
  const std::string customer = random_uuid();
};

// Runs `work(i)` for i in [0, n) on `threads` threads.
template <class Work>
void in_parallel(int n, int threads, Work work) {
  std::atomic<int> next = 0;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i; (i = next++) < n;) work(i);
    });
  }
  for (auto& t : pool) t.join();
}

}  // namespace

TEST_CASE("reserve takes every line of a basket or none, and names the line that failed", "[db][catalog]") {
  CatalogDb d;
  Shopd shopd(d.t.url(), d.clock, 2);
  const auto tea = d.product(5);
  const auto pot = d.product(1);

  const auto short_of_pots = shopd.reserve(d.customer, {{tea, 2}, {pot, 2}});
  REQUIRE_FALSE(short_of_pots);
  CHECK(short_of_pots.error().reason == ReserveError::kInsufficientStock);
  CHECK(short_of_pots.error().product_id == pot);
  CHECK(short_of_pots.error().requested == 2);
  CHECK(short_of_pots.error().available == 1);
  CHECK(d.stock(tea) == std::pair(5L, 0L));
  CHECK(d.count("SELECT count(*) FROM catalog.reservations") == 0);

  // Lines of one product are added up, however its id is spelled.
  std::string upper = tea;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto order = random_uuid();
  const auto reserved = shopd.reserve(d.customer, {{tea, 2}, {pot, 1}, {upper, 1}}, order);
  REQUIRE(reserved);
  REQUIRE(reserved->lines.size() == 2);
  for (const auto& line : reserved->lines) {
    CHECK(line.quantity == (line.product_id == tea ? 3 : 1));
    CHECK(line.name == "Tea");
    CHECK(line.unit_price == 1000);
    CHECK(line.seller_id == d.seller);
  }
  CHECK(d.stock(tea) == std::pair(5L, 3L));
  CHECK(d.stock(pot) == std::pair(1L, 1L));
  CHECK(d.count("SELECT count(*) FROM shopd.outbox_events WHERE type = 'catalog.StockChanged'") == 1);

  // The same order again answers the same reservation and changes nothing, whatever the basket.
  const auto again = shopd.reserve(d.customer, {{tea, 1}}, order);
  REQUIRE(again);
  CHECK(again->lines.size() == 2);
  CHECK(d.stock(tea) == std::pair(5L, 3L));
  CHECK(d.count("SELECT count(*) FROM shopd.outbox_events WHERE type = 'catalog.StockChanged'") == 1);

  const auto summaries = [&] {
    const std::vector<std::string> ids{tea, "not-an-id"};
    auto read = [&](Tx& tx) { return shopd.catalog().products(tx, ids); };
    return shopd.in_tx(read);
  }();
  REQUIRE(summaries.size() == 1);
  CHECK(summaries[0].available == 2);
}

TEST_CASE("unknown, deleted and malformed products are not found; a sale opens at its time",
          "[db][catalog]") {
  CatalogDb d;
  Shopd shopd(d.t.url(), d.clock, 2);
  const auto tea = d.product(5);
  const auto gone = d.product(5, ", deleted_at", ", now()");
  const auto opens = d.clock.now() + 1h;
  const auto sale = d.product(5, ", sale_opens_at",
                              fmt::format(", 'epoch'::timestamptz + {} * interval '1 us'",
                                          shop::infra::clock::epoch_microseconds(opens)));

  for (const auto& missing : {gone, random_uuid(), std::string("not-a-uuid")}) {
    const auto refused = shopd.reserve(d.customer, {{tea, 1}, {missing, 1}});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().reason == ReserveError::kProductNotFound);
    CHECK(refused.error().product_id == missing);
  }
  const auto early = shopd.reserve(d.customer, {{tea, 1}, {sale, 1}});
  REQUIRE_FALSE(early);
  CHECK(early.error().reason == ReserveError::kSaleNotOpen);
  CHECK(early.error().sale_opens_at.has_value());
  CHECK(d.stock(tea) == std::pair(5L, 0L));  // refused before anything was reserved

  d.clock.advance(1h + 1s);
  CHECK(shopd.reserve(d.customer, {{tea, 1}, {sale, 1}}));
  // A deleted product is still there for the orders that hold it.
  const std::vector<std::string> ids{gone};
  auto read = [&](Tx& tx) { return shopd.catalog().products(tx, ids); };
  const auto held = shopd.in_tx(read);
  REQUIRE(held.size() == 1);
  CHECK(held[0].deleted);
}

TEST_CASE("release, commit and restock move the stock once and refuse the wrong state", "[db][catalog]") {
  CatalogDb d;
  Shopd shopd(d.t.url(), d.clock, 2);
  const auto tea = d.product(10);
  const auto order = random_uuid();
  REQUIRE(shopd.reserve(d.customer, {{tea, 3}}, order));

  CHECK(shopd.move(order, &Catalog::commit));
  CHECK(d.stock(tea) == std::pair(7L, 0L));
  CHECK(shopd.move(order, &Catalog::commit));  // again: nothing changes
  CHECK(d.stock(tea) == std::pair(7L, 0L));
  const auto release_sold = shopd.move(order, &Catalog::release);
  REQUIRE_FALSE(release_sold);
  CHECK(release_sold.error().reason == TransitionRefused::Reason::kWrongState);
  CHECK(release_sold.error().status == ReservationStatus::kSold);

  CHECK(shopd.move(order, &Catalog::restock));
  CHECK(shopd.move(order, &Catalog::restock));
  CHECK(d.stock(tea) == std::pair(10L, 0L));
  auto find = [&](Tx& tx) { return shopd.catalog().reservation(tx, order); };
  CHECK(shopd.in_tx(find)->status == ReservationStatus::kRestocked);

  const auto other = random_uuid();
  REQUIRE(shopd.reserve(d.customer, {{tea, 4}}, other));
  CHECK(shopd.move(other, &Catalog::release));
  CHECK(shopd.move(other, &Catalog::release));
  CHECK(d.stock(tea) == std::pair(10L, 0L));
  CHECK(shopd.move(other, &Catalog::commit).error().status == ReservationStatus::kReleased);
  CHECK(shopd.move(other, &Catalog::restock).error().reason == TransitionRefused::Reason::kWrongState);
  CHECK(shopd.move(random_uuid(), &Catalog::release).error().reason ==
        TransitionRefused::Reason::kUnknownOrder);
  // reserve, commit, restock, reserve, release: one StockChanged each.
  CHECK(d.count("SELECT count(*) FROM shopd.outbox_events WHERE type = 'catalog.StockChanged'") == 5);
}

TEST_CASE("a purchase limit counts live reservations and sales, not released ones", "[db][catalog]") {
  CatalogDb d;
  Shopd shopd(d.t.url(), d.clock, 2);
  const auto limited = d.product(100, ", purchase_limit", ", 2");
  const auto first = random_uuid();
  REQUIRE(shopd.reserve(d.customer, {{limited, 1}}, first));
  const auto over = shopd.reserve(d.customer, {{limited, 2}});
  REQUIRE_FALSE(over);
  CHECK(over.error().reason == ReserveError::kPurchaseLimitExceeded);
  CHECK(over.error().purchase_limit == 2);
  CHECK(over.error().already_bought == 1);
  CHECK(shopd.reserve(random_uuid(), {{limited, 2}}));  // another customer's limit is their own

  REQUIRE(shopd.move(first, &Catalog::release));
  const auto second = random_uuid();
  REQUIRE(shopd.reserve(d.customer, {{limited, 2}}, second));
  REQUIRE(shopd.move(second, &Catalog::commit));
  CHECK_FALSE(shopd.reserve(d.customer, {{limited, 1}}));  // sold units count too
  REQUIRE(shopd.move(second, &Catalog::restock));
  CHECK(shopd.reserve(d.customer, {{limited, 1}}));  // returned ones do not
}

TEST_CASE("a basket of 1,000 lines is reserved by a fixed handful of statements", "[db][catalog]") {
  CatalogDb d;
  query_value(d.t.url(),
              "INSERT INTO catalog.products (id, seller_id, name, price, on_hand, created_at, updated_at)"
              " SELECT gen_random_uuid(), '" +
                  d.seller +
                  "', 'Item ' || i, 100, 2, now(), now()"
                  " FROM generate_series(1, 1000) AS i RETURNING 1");
  // Ten of them limited: what the customer holds of those is read once, for all ten.
  query_value(d.t.url(),
              "WITH l AS (UPDATE catalog.products SET purchase_limit = 5 WHERE id IN"
              " (SELECT id FROM catalog.products LIMIT 10) RETURNING 1) SELECT count(*) FROM l");
  std::vector<BasketLine> lines;
  std::istringstream ids(query_value(d.t.url(), "SELECT string_agg(id::text, ' ') FROM catalog.products"));
  for (std::string id; ids >> id;) lines.push_back({id, 1});
  REQUIRE(lines.size() == 1000);
  shop::infra::metrics::Registry metrics;
  Shopd shopd(d.t.url(), d.clock, 1, &metrics);
  const auto reserved = shopd.reserve(d.customer, lines);
  REQUIRE(reserved);
  CHECK(reserved->lines.size() == 1000);
  CHECK(d.count("SELECT sum(reserved) FROM catalog.products") == 1000);
  const auto text = metrics.render();
  for (const char* statement :
       {"catalog.lock_basket", "catalog.held_by_customer", "catalog.take_basket", "events.publish"}) {
    INFO(statement);
    CHECK_THAT(text, Catch::Contains(
                         fmt::format("shopd_db_statement_seconds_count{{statement=\"{}\"}} 1\n", statement)));
  }
}

TEST_CASE("1,000 concurrent one-unit reservations of 10 units: exactly 10 succeed, on one pool",
          "[db][catalog][race]") {
  CatalogDb d;
  Shopd shopd(d.t.url(), d.clock, 16);
  const auto tea = d.product(10);
  std::atomic<int> reserved = 0, short_of_stock = 0;
  in_parallel(1000, 16, [&](int) {
    const auto r = shopd.reserve(random_uuid(), {{tea, 1}});
    if (r) ++reserved;
    if (!r && r.error().reason == ReserveError::kInsufficientStock) ++short_of_stock;
  });
  CHECK(reserved == 10);
  CHECK(short_of_stock == 990);
  CHECK(d.stock(tea) == std::pair(10L, 10L));
  CHECK(d.count("SELECT count(*) FROM catalog.reservations") == 10);
}

// Two processes are two pools of connections, which is all PostgreSQL sees of a process: the
// module keeps no state of its own between calls (its storefront cache is not on this path), so two
// module instances on two Database objects race exactly as two shopd processes would.
TEST_CASE("1,000 concurrent one-unit reservations of 10 units: exactly 10 succeed, from two processes",
          "[db][catalog][race]") {
  CatalogDb d;
  Shopd first(d.t.url(), d.clock, 8);
  Shopd second(d.t.url(), d.clock, 8);
  const auto tea = d.product(10);
  std::atomic<int> reserved = 0, short_of_stock = 0;
  in_parallel(1000, 16, [&](int i) {
    auto& shopd = i % 2 == 0 ? first : second;
    const auto r = shopd.reserve(random_uuid(), {{tea, 1}});
    if (r) ++reserved;
    if (!r && r.error().reason == ReserveError::kInsufficientStock) ++short_of_stock;
  });
  CHECK(reserved == 10);
  CHECK(short_of_stock == 990);
  CHECK(d.stock(tea) == std::pair(10L, 10L));
}

TEST_CASE("twins reserving one order at the same moment all get its one reservation", "[db][catalog][race]") {
  CatalogDb d;
  Shopd first(d.t.url(), d.clock, 8);
  Shopd second(d.t.url(), d.clock, 8);
  // One unit: a twin that waited for the lock finds none left, yet the order is reserved.
  const auto tea = d.product(1);
  const auto order = random_uuid();
  std::atomic<int> answered = 0;
  in_parallel(16, 16, [&](int i) {
    auto& shopd = i % 2 == 0 ? first : second;
    const auto r = shopd.reserve(d.customer, {{tea, 1}}, order);
    if (r && r->lines.size() == 1 && r->lines[0].quantity == 1) ++answered;
  });
  CHECK(answered == 16);
  CHECK(d.stock(tea) == std::pair(1L, 1L));
  CHECK(d.count("SELECT count(*) FROM catalog.reservations r, unnest(r.lines) AS l") == 1);
}

TEST_CASE("simultaneous baskets of one customer cannot together pass a purchase limit",
          "[db][catalog][race]") {
  CatalogDb d;
  Shopd first(d.t.url(), d.clock, 8);
  Shopd second(d.t.url(), d.clock, 8);
  const auto limited = d.product(1000, ", purchase_limit", ", 3");
  const auto other = d.product(1000);
  std::atomic<long> units = 0;
  std::atomic<int> refused = 0;
  in_parallel(40, 16, [&](int i) {
    auto& shopd = i % 2 == 0 ? first : second;
    const long quantity = 1 + i % 2;
    const auto r = shopd.reserve(d.customer, {{other, 1}, {limited, quantity}});
    if (r) units += quantity;
    if (!r && r.error().reason == ReserveError::kPurchaseLimitExceeded) ++refused;
  });
  CHECK(units <= 3);
  CHECK(refused >= 37);
  CHECK(d.stock(limited).second == units);
}

TEST_CASE("a mixed run of reserve, release, commit and restock leaves stock and reservations in agreement",
          "[db][catalog][race]") {
  CatalogDb d;
  Shopd first(d.t.url(), d.clock, 6);
  Shopd second(d.t.url(), d.clock, 6);
  const std::vector<std::string> products{d.product(30), d.product(30), d.product(30)};
  std::vector<std::string> orders(300);
  for (auto& o : orders) o = random_uuid();
  in_parallel(1200, 12, [&](int i) {
    thread_local std::mt19937 rng{std::random_device{}()};
    auto& shopd = i % 2 == 0 ? first : second;
    const auto& order = orders[rng() % orders.size()];
    switch (rng() % 4) {
      case 0: {
        std::vector<BasketLine> lines;
        for (const auto& p : products) {
          if (rng() % 2 == 0) lines.push_back({p, static_cast<std::int64_t>(1 + rng() % 3)});
        }
        if (lines.empty()) lines.push_back({products[0], 1});
        (void)shopd.reserve(d.customer, std::move(lines), order);
        break;
      }
      case 1:
        (void)shopd.move(order, &Catalog::release);
        break;
      case 2:
        (void)shopd.move(order, &Catalog::commit);
        break;
      default:
        (void)shopd.move(order, &Catalog::restock);
    }
  });
  const auto held = [&](const std::string& product, const char* status) {
    return d.count(
        "SELECT coalesce(sum(l.quantity), 0) FROM catalog.reservations r, unnest(r.lines) AS l"
        " WHERE r.status = '" +
        std::string(status) + "' AND l.product_id = '" + product + "'");
  };
  for (const auto& p : products) {
    INFO(p);
    const auto [on_hand, reserved] = d.stock(p);
    CHECK(reserved == held(p, "reserved"));
    CHECK(on_hand == 30 - held(p, "sold"));
  }
  CHECK(d.count("SELECT count(*) FROM catalog.reservations WHERE cardinality(lines) = 0") == 0);
}
