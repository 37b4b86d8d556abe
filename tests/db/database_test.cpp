#include "shop/infra/db/database.hpp"
#include "shop/infra/metrics/registry.hpp"

#include "support/private_cluster.hpp"
#include "support/test_database.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <barrier>
#include <thread>

using shop::infra::db::Bytes;
using shop::infra::db::Conflict;
using shop::infra::db::Database;
using shop::infra::db::DbError;
using shop::infra::db::SerializationFailure;
using shop::infra::db::Statement;
using shop::infra::db::Tx;
using shop::infra::db::Unavailable;
using shop::test::query_value;
using shop::test::TestDatabase;

namespace {

constexpr const char* kCreateTable = "CREATE TABLE public.items (id int PRIMARY KEY, n int NOT NULL)";
constexpr Statement kRaiseSerializationFailure{
    "test.raise_serialization_failure",
    "DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = 'serialization_failure'; END $$"};
constexpr Statement kAddFive{"test.add_five", "UPDATE public.items SET n = n + 5 WHERE id = 1"};
constexpr Statement kSetN{"test.set_n", "UPDATE public.items SET n = $2 WHERE id = $1"};
constexpr Statement kIncrement{"test.increment", "UPDATE public.items SET n = n + 1 WHERE id = $1"};
constexpr Statement kFindN{"test.find_n", "SELECT n FROM public.items WHERE id = $1"};
constexpr Statement kCount{"test.count", "SELECT count(*) FROM public.items"};
constexpr Statement kInsertDuplicate{"test.insert_duplicate", "INSERT INTO public.items VALUES (1, 0)"};
constexpr Statement kSyntaxError{"test.syntax_error", "SELEC 1"};
constexpr Statement kOne{"test.one", "SELECT 1"};
constexpr Statement kTwo{"test.two", "SELECT 2"};
constexpr Statement kPreparedHere{"test.prepared_here",
                                  "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'test.%'"};

void setup(const TestDatabase& t) {
  query_value(t.url(), kCreateTable);
  query_value(t.url(), "INSERT INTO public.items VALUES (1, 0), (2, 0)");
}

// Every item's n, in id order: "n1,n2".
std::string all_n(const TestDatabase& t) {
  return query_value(t.url(), "SELECT string_agg(n::text, ',' ORDER BY id) FROM public.items");
}

}  // namespace

TEST_CASE("transact commits the unit of work and returns its result", "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 2});
  auto work = [](Tx& tx) {
    tx.exec(kAddFive);
    return tx.query(kFindN, 1)[0].integer(0);
  };
  CHECK(db.transact_blocking(work) == 5);
  CHECK(query_value(t.url(), "SELECT n FROM public.items WHERE id = 1") == "5");
}

TEST_CASE("an exception rolls the whole transaction back", "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1});
  auto work = [](Tx& tx) {
    tx.exec(kSetN, 1, 99);
    throw std::runtime_error("domain says no");
  };
  CHECK_THROWS_WITH(db.transact_blocking(work), "domain says no");
  CHECK(query_value(t.url(), "SELECT n FROM public.items WHERE id = 1") == "0");
}

TEST_CASE("serialization failures are retried from the start, earlier attempts rolled back",
          "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1, .max_attempts = 5});
  int attempts = 0;
  auto work = [&](Tx& tx) {
    ++attempts;
    tx.exec(kIncrement, 1);
    if (attempts < 3) tx.exec(kRaiseSerializationFailure);
    return attempts;
  };
  CHECK(db.transact_blocking(work) == 3);
  CHECK(query_value(t.url(), "SELECT n FROM public.items WHERE id = 1") == "1");
}

TEST_CASE("retries stop after max_attempts with SerializationFailure", "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1, .max_attempts = 3});
  int attempts = 0;
  auto work = [&](Tx& tx) {
    ++attempts;
    tx.exec(kRaiseSerializationFailure);
  };
  CHECK_THROWS_AS(db.transact_blocking(work), SerializationFailure);
  CHECK(attempts == 3);
}

TEST_CASE("a real deadlock between two transactions is retried and both commit", "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 2, .max_attempts = 5});
  std::barrier both_locked(2);
  std::atomic<int> attempts{0};
  // Each locks one row, waits for the other to do the same (first attempt only), then wants the other's.
  auto crosswise = [&](int first, int second) {
    bool waited = false;
    auto work = [&](Tx& tx) {
      attempts++;
      tx.exec(kIncrement, first);
      if (!waited) {
        waited = true;
        both_locked.arrive_and_wait();
      }
      tx.exec(kIncrement, second);
    };
    db.transact_blocking(work);
  };
  std::thread a([&] { crosswise(1, 2); });
  std::thread b([&] { crosswise(2, 1); });
  a.join();
  b.join();
  CHECK(attempts.load() == 3);  // PostgreSQL aborted exactly one of them once
  CHECK(query_value(t.url(), "SELECT sum(n) FROM public.items") == "4");
}

TEST_CASE("errors are classified by SQLSTATE and name their statement", "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1});
  auto duplicate = [](Tx& tx) { tx.exec(kInsertDuplicate); };
  try {
    db.transact_blocking(duplicate);
    FAIL("expected a conflict");
  } catch (const Conflict& e) {
    CHECK(e.sqlstate() == "23505");
    CHECK(e.statement() == "test.insert_duplicate");
    CHECK(std::string(e.what()).starts_with("test.insert_duplicate: "));
  }
  auto syntax = [](Tx& tx) { tx.query(kSyntaxError); };
  try {
    db.transact_blocking(syntax);
    FAIL("expected an error");
  } catch (const Unavailable&) {
    FAIL("a syntax error is not an outage");
  } catch (const DbError& e) {
    CHECK(e.sqlstate() == "42601");
    CHECK(e.statement() == "test.syntax_error");
  }
  // The connection is still good after both errors.
  auto one = [](Tx& tx) { return tx.query(kOne)[0].integer(0); };
  CHECK(db.transact_blocking(one) == 1);
}

TEST_CASE("a deferred statement runs in order, with the next statement or the commit", "[db][database]") {
  TestDatabase t;
  setup(t);
  shop::infra::metrics::Registry metrics;
  Database db({.url = t.url(), .pool_size = 1}, &metrics);
  auto work = [](Tx& tx) {
    tx.defer(kSetN, 1, 7);
    tx.defer(kIncrement, 1);
    const auto seen = tx.query(kFindN, 1)[0].integer(0);  // after both
    tx.defer(kSetN, 2, 3);                                // goes with COMMIT
    return seen;
  };
  CHECK(db.transact_blocking(work) == 8);
  CHECK(all_n(t) == "8,3");
  // Counted like any statement.
  const auto text = metrics.render();
  CHECK(text.find("shopd_db_statement_seconds_count{statement=\"test.set_n\"} 2\n") != std::string::npos);
  CHECK(text.find("shopd_db_statement_seconds_count{statement=\"test.increment\"} 1\n") != std::string::npos);
}

TEST_CASE("a deferred statement's error fails the transaction and nothing of it commits", "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1});
  auto at_commit = [](Tx& tx) {
    tx.exec(kSetN, 2, 50);
    tx.defer(kInsertDuplicate);
  };
  CHECK_THROWS_AS(db.transact_blocking(at_commit), Conflict);
  auto with_next = [](Tx& tx) {
    tx.defer(kSetN, 2, 60);
    tx.defer(kInsertDuplicate);
    tx.defer(kSetN, 1, 60);
    tx.query(kFindN, 1);
  };
  try {
    db.transact_blocking(with_next);
    FAIL("expected a conflict");
  } catch (const Conflict& e) {
    CHECK(e.statement() == "test.insert_duplicate");  // the first error, not the skipped ones
  }
  CHECK(all_n(t) == "0,0");
  // The connection is still good.
  auto one = [](Tx& tx) { return tx.query(kOne)[0].integer(0); };
  CHECK(db.transact_blocking(one) == 1);
}

TEST_CASE("a commit after a swallowed error is refused, not reported as done", "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1});
  auto swallow = [](Tx& tx) {
    tx.exec(kSetN, 1, 5);
    try {
      tx.exec(kInsertDuplicate);
    } catch (const Conflict&) {
      // carries on as if nothing happened: PostgreSQL has aborted the transaction all the same
    }
  };
  try {
    db.transact_blocking(swallow);
    FAIL("expected the commit to fail");
  } catch (const DbError& e) {
    CHECK(e.sqlstate() == "25P02");
  }
  CHECK(query_value(t.url(), "SELECT n FROM public.items WHERE id = 1") == "0");
}

TEST_CASE("rolling back to the savepoint undoes that part alone, deferred statements included",
          "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1});
  auto work = [](Tx& tx) {
    tx.exec(kSetN, 1, 1);
    // A part that fails in the database: its statements ran, and are undone.
    tx.savepoint();
    tx.exec(kSetN, 2, 100);
    tx.defer(kIncrement, 1);
    try {
      tx.exec(kInsertDuplicate);
    } catch (const Conflict&) {
      tx.rollback_to_savepoint();
    }
    // A part that fails in its own code before sending anything: its deferred work never goes out.
    tx.savepoint();
    tx.defer(kSetN, 2, 200);
    tx.rollback_to_savepoint();
    // A part that fails by a deferred statement, found when it is released.
    tx.savepoint();
    tx.defer(kSetN, 2, 300);
    tx.defer(kInsertDuplicate);
    CHECK_THROWS_AS(tx.release_savepoint(), Conflict);
    tx.rollback_to_savepoint();
    // A part that succeeds.
    tx.savepoint();
    tx.defer(kIncrement, 2);
    tx.release_savepoint();
  };
  db.transact_blocking(work);
  CHECK(all_n(t) == "1,1");
}

TEST_CASE("an unreachable database is Unavailable", "[db][database]") {
  // Port 1 on loopback: nothing listens there.
  Database db({.url = "postgresql://postgres@127.0.0.1:1/none", .pool_size = 1});
  auto one = [](Tx& tx) { tx.query(kOne); };
  CHECK_THROWS_AS(db.transact_blocking(one), Unavailable);
}

TEST_CASE("coroutines await database work without blocking their I/O thread", "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 2});
  boost::asio::io_context io;
  const auto io_thread = std::this_thread::get_id();
  std::thread::id db_thread;
  std::thread::id resumed_on;
  auto task = [&]() -> boost::asio::awaitable<std::int64_t> {
    const auto n = co_await db.transact([&](Tx& tx) {
      db_thread = std::this_thread::get_id();
      return tx.query(kCount)[0].integer(0);
    });
    resumed_on = std::this_thread::get_id();
    co_return n;
  };
  auto result = boost::asio::co_spawn(io, task(), boost::asio::use_future);
  io.run();
  CHECK(result.get() == 2);
  CHECK(db_thread != io_thread);
  CHECK(resumed_on == io_thread);
}

TEST_CASE("connections broken by a database restart are replaced", "[db][database][restart][slow]") {
  shop::test::PrivateCluster cluster;
  Database db({.url = cluster.url(), .pool_size = 2});
  auto one = [](Tx& tx) { return tx.query(kOne)[0].integer(0); };
  auto two = [](Tx& tx) { return tx.query(kTwo)[0].integer(0); };
  REQUIRE(db.transact_blocking(one) == 1);
  REQUIRE(db.transact_blocking(two) == 2);

  cluster.stop();
  CHECK_THROWS_AS(db.transact_blocking(one), Unavailable);
  cluster.start();

  // The pooled connections died with the old server; each is replaced on its next use.
  CHECK(db.transact_blocking(one) == 1);
  CHECK(db.transact_blocking(two) == 2);
  CHECK(db.transact_blocking(one) == 1);
}

TEST_CASE("statements are prepared once per connection and rebound per call", "[db][database]") {
  TestDatabase t;
  setup(t);
  query_value(t.url(), "UPDATE public.items SET n = 20 WHERE id = 2");
  Database db({.url = t.url(), .pool_size = 1});
  auto find = [](int id) {
    return [id](Tx& tx) {
      const auto row = tx.query(kFindN, id).first();
      // kFindN and this statement itself (the transaction's own db.* statements aside).
      const auto prepared_here = tx.query(kPreparedHere)[0].integer(0);
      return std::make_tuple(row.has_value(), row ? row->integer(0) : -1, prepared_here);
    };
  };
  for (int round = 0; round < 3; ++round) {
    auto f1 = find(1);
    auto f2 = find(2);
    auto missing = find(3);
    CHECK(db.transact_blocking(f1) == std::make_tuple(true, std::int64_t{0}, std::int64_t{2}));
    CHECK(db.transact_blocking(f2) == std::make_tuple(true, std::int64_t{20}, std::int64_t{2}));
    CHECK(std::get<0>(db.transact_blocking(missing)) == false);
  }
}

TEST_CASE("a second SQL text under a known statement name is a programming error", "[db][database]") {
  TestDatabase t;
  Database db({.url = t.url(), .pool_size = 1});
  static constexpr Statement kFirst{"test.same_name", "SELECT 1"};
  static constexpr Statement kSecond{"test.same_name", "SELECT 2"};
  auto first = [&](Tx& tx) { return tx.query(kFirst)[0].integer(0); };
  auto second = [&](Tx& tx) { return tx.query(kSecond)[0].integer(0); };
  CHECK(db.transact_blocking(first) == 1);
  CHECK_THROWS_AS(db.transact_blocking(second), std::logic_error);
}

TEST_CASE("a parameter holding a NUL byte is refused before it is sent", "[db][database]") {
  TestDatabase t;
  Database db({.url = t.url(), .pool_size = 1});
  static constexpr Statement kEcho{"test.echo", "SELECT $1::text"};
  auto echo = [](std::string value) {
    return [value](Tx& tx) { return tx.query(kEcho, value)[0].string(0); };
  };
  auto plain = echo("demo_customer");
  CHECK(db.transact_blocking(plain) == "demo_customer");
  // libpq would cut this at the NUL and run the statement with "demo_customer".
  auto smuggled = echo(std::string("demo_customer\0anything", 22));
  try {
    db.transact_blocking(smuggled);
    FAIL("expected the parameter to be refused");
  } catch (const DbError& e) {
    CHECK(e.sqlstate() == "22021");
    CHECK(e.statement() == "test.echo");
  }
}

TEST_CASE("times, bytes, booleans, NULLs and arrays cross exactly both ways", "[db][database]") {
  TestDatabase t;
  Database db({.url = t.url(), .pool_size = 1});
  static constexpr Statement kEchoAll{
      "test.echo_all",
      "SELECT $1::timestamptz, $2::bytea, $3::boolean, $4::text, $5::interval = interval '90 seconds',"
      " array_length($6::text[], 1), ($6::text[])[2], $7::bigint[] = ARRAY[1,2,3]::bigint[],"
      " 'infinity'::timestamptz"};
  const auto at = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  const std::string bytes("\x00\x01\xfe\xff", 4);
  const std::vector<std::string> texts{"a", "b,\"quoted\"\\ {x}", "c"};
  const std::vector<std::int64_t> numbers{1, 2, 3};
  auto echo = [&](Tx& tx) {
    const auto row =
        tx.query(kEchoAll, at, Bytes{bytes}, true, nullptr, std::chrono::seconds(90), texts, numbers)[0];
    CHECK(row.time(0) == at);
    CHECK(row.bytes(1) == bytes);
    CHECK(row.boolean(2));
    CHECK(row.is_null(3));
    CHECK_FALSE(row.optional_string(3));
    CHECK(row.boolean(4));
    CHECK(row.integer(5) == 3);
    CHECK(row.string(6) == texts[1]);
    CHECK(row.boolean(7));
    CHECK(row.time(8) == shop::infra::clock::TimePoint::max());
    CHECK_THROWS_AS(row.integer(3), DbError);  // NULL is not an integer
  };
  db.transact_blocking(echo);
}

TEST_CASE("every statement's latency is recorded under its name", "[db][database]") {
  TestDatabase t;
  setup(t);
  shop::infra::metrics::Registry metrics;
  Database db({.url = t.url(), .pool_size = 1}, &metrics);
  auto work = [](Tx& tx) {
    tx.query(kFindN, 1);
    tx.query(kFindN, 2);
  };
  db.transact_blocking(work);
  boost::asio::io_context io;
  auto read = boost::asio::co_spawn(io, db.query(kCount), boost::asio::use_future);
  io.run();
  CHECK(read.get()[0].integer(0) == 2);
  const auto text = metrics.render();
  CHECK(text.find("shopd_db_statement_seconds_count{statement=\"test.find_n\"} 2") != std::string::npos);
  CHECK(text.find("shopd_db_statement_seconds_count{statement=\"test.count\"} 1") != std::string::npos);
}

TEST_CASE("use_generic_plans keeps an array statement from being planned per call, for one transaction",
          "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1});  // one connection: every transaction sees the same plans
  static constexpr Statement kCountAmong{"test.count_among",
                                         "SELECT count(*) FROM public.items WHERE id = ANY($1::bigint[])"};
  static constexpr Statement kPlans{
      "test.plans_of_count_among",
      "SELECT generic_plans, custom_plans, current_setting('plan_cache_mode') FROM pg_prepared_statements"
      " WHERE name = $1"};
  const std::vector<std::int64_t> ids{1, 2};
  // PostgreSQL tries custom plans first and keeps them when a generic plan looks dearer, as it does
  // for an array of unknown length.
  auto plain = [&](Tx& tx) {
    for (int i = 0; i < 8; ++i) CHECK(tx.query(kCountAmong, ids)[0].integer(0) == 2);
    const auto row = tx.query(kPlans, kCountAmong.name)[0];
    CHECK(row.integer(0) == 0);
    CHECK(row.integer(1) == 8);
  };
  db.transact_blocking(plain);
  auto generic = [&](Tx& tx) {
    tx.use_generic_plans();
    for (int i = 0; i < 8; ++i) CHECK(tx.query(kCountAmong, ids)[0].integer(0) == 2);
    const auto row = tx.query(kPlans, kCountAmong.name)[0];
    CHECK(row.integer(0) == 8);
    CHECK(row.integer(1) == 8);  // none more
    CHECK(row.string(2) == "force_generic_plan");
  };
  db.transact_blocking(generic);
  // The setting ends with its transaction: the pooled connection goes back to the planner's choice.
  auto after = [&](Tx& tx) { CHECK(tx.query(kPlans, kCountAmong.name)[0].string(2) == "auto"); };
  db.transact_blocking(after);
}
