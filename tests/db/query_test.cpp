// Database::query: prepared statements through libpq's asynchronous API on the caller's I/O thread.
#include "shop/infra/db/database.hpp"

#include "support/private_cluster.hpp"
#include "support/test_database.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <thread>

using shop::infra::db::Database;
using shop::infra::db::DbError;
using shop::infra::db::Rows;
using shop::infra::db::Statement;
using shop::infra::db::Unavailable;
using shop::test::query_value;
using shop::test::TestDatabase;

namespace {

constexpr Statement kFindItem{"test_find_item", "SELECT id, n, note FROM public.items WHERE id = $1"};
constexpr Statement kCountPrepared{"test_count_prepared", "SELECT count(*) FROM pg_prepared_statements"};

void setup(const TestDatabase& t) {
  query_value(t.url(), "CREATE TABLE public.items (id int PRIMARY KEY, n int NOT NULL, note text)");
  query_value(t.url(),
              "INSERT INTO public.items SELECT g, g * 10, CASE WHEN g % 2 = 0 THEN 'even' END "
              "FROM generate_series(1, 100) g");
}

// Runs a coroutine to completion on an io_context with `threads` threads.
template <class T>
T run(boost::asio::awaitable<T> task, int threads = 1) {
  boost::asio::io_context io(threads);
  auto result = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  return result.get();
}

// A coroutine function, not a capturing lambda: its arguments live in its frame.
boost::asio::awaitable<std::int64_t> find_n(Database& db, int id) {
  const auto r = co_await db.query(kFindItem, id);
  co_return r[0].integer(1);
}

}  // namespace

TEST_CASE("query returns rows as text with NULLs and integers", "[db][query]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1, .read_pool_size = 1});
  auto task = [&]() -> boost::asio::awaitable<std::vector<Rows>> {
    std::vector<Rows> out;
    out.push_back(co_await db.query(kFindItem, 4));
    out.push_back(co_await db.query(kFindItem, 3));
    out.push_back(co_await db.query(kFindItem, 1000));
    co_return out;
  };
  const auto results = run(task());
  REQUIRE(results[0].size() == 1);
  CHECK(results[0][0].integer(0) == 4);
  CHECK(results[0][0].integer(1) == 40);
  CHECK(results[0][0].text(2) == "even");
  CHECK(results[1][0].is_null(2));
  CHECK_THROWS_AS(results[1][0].integer(2), DbError);
  CHECK(results[2].size() == 0);
}

TEST_CASE("query prepares a statement once per connection", "[db][query]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1, .read_pool_size = 1});
  auto task = [&]() -> boost::asio::awaitable<std::int64_t> {
    for (int i = 1; i <= 5; ++i) co_await db.query(kFindItem, i);
    const auto prepared = co_await db.query(kCountPrepared);
    co_return prepared[0].integer(0);
  };
  CHECK(run(task()) == 2);  // kFindItem and kCountPrepared, however often they ran
}

TEST_CASE("a failing query is classified and leaves its connection usable", "[db][query]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1, .read_pool_size = 1});
  constexpr Statement kBroken{"test_broken", "SELEC 1"};
  constexpr Statement kBadCast{"test_bad_cast", "SELECT $1::int"};
  auto task = [&]() -> boost::asio::awaitable<std::string> {
    std::string states;
    try {
      co_await db.query(kBroken);
    } catch (const Unavailable&) {
      states += "unavailable ";
    } catch (const DbError& e) {
      states += e.sqlstate() + " ";
    }
    try {
      co_await db.query(kBadCast, "not a number");
    } catch (const DbError& e) {
      states += e.sqlstate() + " ";
    }
    const auto ok = co_await db.query(kFindItem, 2);
    states += std::string(ok[0].text(1));
    co_return states;
  };
  CHECK(run(task()) == "42601 22P02 20");
}

TEST_CASE("two statements under one name are a programming error", "[db][query]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1, .read_pool_size = 1});
  constexpr Statement kImpostor{"test_find_item", "SELECT 1"};
  auto task = [&]() -> boost::asio::awaitable<void> {
    co_await db.query(kFindItem, 1);
    co_await db.query(kImpostor);
  };
  CHECK_THROWS_AS(run(task()), std::logic_error);
}

TEST_CASE("many concurrent queries share a small pool and each gets its own answer", "[db][query]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1, .read_pool_size = 3});
  boost::asio::io_context io(2);
  std::vector<std::future<std::int64_t>> answers;
  for (int i = 1; i <= 100; ++i)
    answers.push_back(boost::asio::co_spawn(io, find_n(db, i), boost::asio::use_future));
  std::thread second([&] { io.run(); });
  io.run();
  second.join();
  for (int i = 1; i <= 100; ++i) CHECK(answers[static_cast<std::size_t>(i - 1)].get() == i * 10);
  CHECK(db.reads_in_use() == 0);
  // Never more connections than the pool allows (the test's own count query adds one).
  CHECK(query_value(t.url(),
                    "SELECT count(*) <= 4 FROM pg_stat_activity WHERE datname = current_database()") == "t");
}

TEST_CASE("query reconnects after a database restart", "[db][query][restart][slow]") {
  shop::test::PrivateCluster cluster;
  Database db({.url = cluster.url(), .pool_size = 1, .read_pool_size = 2});
  constexpr Statement kOne{"test_one", "SELECT 1"};
  auto one = [&]() -> boost::asio::awaitable<std::int64_t> {
    const auto r = co_await db.query(kOne);
    co_return r[0].integer(0);
  };
  REQUIRE(run(one()) == 1);
  cluster.stop();
  CHECK_THROWS_AS(run(one()), Unavailable);
  cluster.start();
  CHECK(run(one()) == 1);
  CHECK(run(one()) == 1);
}
