#include "shop/infra/db/database.hpp"

#include "support/private_cluster.hpp"
#include "support/test_database.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <barrier>
#include <thread>

using shop::infra::db::Conflict;
using shop::infra::db::Database;
using shop::infra::db::DbError;
using shop::infra::db::SerializationFailure;
using shop::infra::db::Session;
using shop::infra::db::Tx;
using shop::infra::db::Unavailable;
using shop::test::query_value;
using shop::test::TestDatabase;

namespace {

constexpr const char* kCreateTable = "CREATE TABLE public.items (id int PRIMARY KEY, n int NOT NULL)";
constexpr const char* kRaiseSerializationFailure =
    "DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = 'serialization_failure'; END $$";

void setup(const TestDatabase& t) {
  query_value(t.url(), kCreateTable);
  query_value(t.url(), "INSERT INTO public.items VALUES (1, 0), (2, 0)");
}

}  // namespace

TEST_CASE("transact commits the unit of work and returns its result", "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 2});
  auto work = [](Tx& tx) {
    tx.sql() << "UPDATE public.items SET n = n + 5 WHERE id = 1";
    int n = 0;
    tx.sql() << "SELECT n FROM public.items WHERE id = 1", soci::into(n);
    return n;
  };
  CHECK(db.transact_blocking(work) == 5);
  CHECK(query_value(t.url(), "SELECT n FROM public.items WHERE id = 1") == "5");
}

TEST_CASE("an exception rolls the whole transaction back", "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1});
  auto work = [](Tx& tx) {
    tx.sql() << "UPDATE public.items SET n = 99 WHERE id = 1";
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
    tx.sql() << "UPDATE public.items SET n = n + 1 WHERE id = 1";
    if (attempts < 3) tx.sql() << kRaiseSerializationFailure;
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
    tx.sql() << kRaiseSerializationFailure;
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
      tx.sql() << "UPDATE public.items SET n = n + 1 WHERE id = :id", soci::use(first);
      if (!waited) {
        waited = true;
        both_locked.arrive_and_wait();
      }
      tx.sql() << "UPDATE public.items SET n = n + 1 WHERE id = :id", soci::use(second);
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

TEST_CASE("errors are classified by SQLSTATE", "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 1});
  auto duplicate = [](Tx& tx) { tx.sql() << "INSERT INTO public.items VALUES (1, 0)"; };
  try {
    db.transact_blocking(duplicate);
    FAIL("expected a conflict");
  } catch (const Conflict& e) {
    CHECK(e.sqlstate() == "23505");
  }
  auto syntax = [](Session& s) { s.sql() << "SELEC 1"; };
  try {
    db.autocommit_blocking(syntax);
    FAIL("expected an error");
  } catch (const Unavailable&) {
    FAIL("a syntax error is not an outage");
  } catch (const DbError& e) {
    CHECK(e.sqlstate() == "42601");
  }
  // The connection is still good after both errors.
  auto one = [](Session& s) {
    int v = 0;
    s.sql() << "SELECT 1", soci::into(v);
    return v;
  };
  CHECK(db.autocommit_blocking(one) == 1);
}

TEST_CASE("an unreachable database is Unavailable", "[db][database]") {
  // Port 1 on loopback: nothing listens there.
  Database db({.url = "postgresql://postgres@127.0.0.1:1/none", .pool_size = 1});
  auto one = [](Session& s) { s.sql() << "SELECT 1"; };
  CHECK_THROWS_AS(db.autocommit_blocking(one), Unavailable);
}

TEST_CASE("coroutines await database work without blocking their I/O thread", "[db][database]") {
  TestDatabase t;
  setup(t);
  Database db({.url = t.url(), .pool_size = 2});
  boost::asio::io_context io;
  const auto io_thread = std::this_thread::get_id();
  std::thread::id db_thread;
  std::thread::id resumed_on;
  auto task = [&]() -> boost::asio::awaitable<int> {
    const int n = co_await db.transact([&](Tx& tx) {
      db_thread = std::this_thread::get_id();
      int v = 0;
      tx.sql() << "SELECT count(*) FROM public.items", soci::into(v);
      return v;
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
  auto one = [](Session& s) {
    int v = 0;
    s.sql() << "SELECT 1", soci::into(v);
    return v;
  };
  auto in_tx = [](Tx& tx) {
    int v = 0;
    tx.sql() << "SELECT 2", soci::into(v);
    return v;
  };
  REQUIRE(db.autocommit_blocking(one) == 1);
  REQUIRE(db.transact_blocking(in_tx) == 2);

  cluster.stop();
  CHECK_THROWS_AS(db.autocommit_blocking(one), Unavailable);
  cluster.start();

  // The pooled connections died with the old server; each is replaced on its next use.
  CHECK(db.autocommit_blocking(one) == 1);
  CHECK(db.transact_blocking(in_tx) == 2);
  CHECK(db.autocommit_blocking(one) == 1);
}

namespace {

struct FindN {
  explicit FindN(soci::session& sql)
      : statement(
            (sql.prepare << "SELECT n FROM public.items WHERE id = :id", soci::use(id), soci::into(n))) {}
  int id = 0;
  int n = 0;
  soci::statement statement;
};

}  // namespace

TEST_CASE("prepared statements are prepared once per connection and rebound per call", "[db][database]") {
  TestDatabase t;
  setup(t);
  query_value(t.url(), "UPDATE public.items SET n = 20 WHERE id = 2");
  Database db({.url = t.url(), .pool_size = 1});
  auto find = [](int id) {
    return [id](Session& s) {
      auto& q = s.prepared<FindN>();
      q.id = id;
      const bool found = q.statement.execute(true);
      int prepared_here = 0;
      s.sql() << "SELECT count(*) FROM pg_prepared_statements", soci::into(prepared_here);
      return std::make_tuple(found, q.n, prepared_here);
    };
  };
  for (int round = 0; round < 3; ++round) {
    auto f1 = find(1);
    auto f2 = find(2);
    auto missing = find(3);
    CHECK(db.autocommit_blocking(f1) == std::make_tuple(true, 0, 1));
    CHECK(db.autocommit_blocking(f2) == std::make_tuple(true, 20, 1));
    CHECK(std::get<0>(db.autocommit_blocking(missing)) == false);
  }
}
