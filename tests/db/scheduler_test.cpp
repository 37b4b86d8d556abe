#include "shop/infra/scheduler/scheduler.hpp"

#include "support/eventually.hpp"
#include "support/project_migrations.hpp"
#include "support/test_database.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <latch>
#include <stdexcept>
#include <thread>
#include <vector>

using shop::infra::clock::epoch_microseconds;
using shop::infra::clock::ManualClock;
using shop::infra::clock::SystemClock;
using shop::infra::clock::TimePoint;
using shop::infra::db::Database;
using shop::infra::db::Tx;
using shop::infra::metrics::Registry;
using shop::infra::scheduler::Scheduler;
using shop::test::eventually;
using shop::test::query_value;
using shop::test::TestDatabase;
using namespace std::chrono_literals;

namespace {

// A test database with shopd's schema and a table where jobs leave their effects.
struct SchedulerDatabase {
  SchedulerDatabase() {
    shop::test::apply_project_migrations(t.url());
    query_value(t.url(), "CREATE TABLE public.effects (job text NOT NULL, period int NOT NULL, source text)");
  }
  std::string count(const std::string& where = "true") const {
    return query_value(t.url(), "SELECT count(*) FROM public.effects WHERE " + where);
  }
  std::string job_column(const std::string& column, const std::string& job) const {
    return query_value(t.url(), "SELECT " + column + " FROM shopd.scheduled_jobs WHERE name = '" + job + "'");
  }
  TestDatabase t;
};

Database connect(const TestDatabase& t, std::size_t pool_size = 4) {
  return Database({.url = t.url(), .pool_size = pool_size, .read_pool_size = 1});
}

void record_effect(Tx& tx, const std::string& job, int period, const std::string& source = "") {
  static constexpr shop::infra::db::Statement kRecord{
      "test.record_effect", "INSERT INTO public.effects (job, period, source) VALUES ($1, $2, $3)"};
  tx.exec(kRecord, job, period, source);
}

// A fixed start, whole seconds, so that the schedule's grid is easy to state.
ManualClock fixed_clock() {
  return ManualClock(TimePoint(std::chrono::sys_days{std::chrono::January / 5 / 2026}));
}

}  // namespace

TEST_CASE("two processes run each period of a job exactly once", "[db][scheduler]") {
  SchedulerDatabase data;
  auto db_a = connect(data.t);
  auto db_b = connect(data.t);
  ManualClock clock = fixed_clock();
  std::atomic<int> period{0};
  // The job holds its row a little while, so that concurrent claims meet a locked row.
  auto job_for = [&](const std::string& source) {
    return [&period, source](Tx& tx) {
      record_effect(tx, "tick", period.load(), source);
      std::this_thread::sleep_for(20ms);
    };
  };
  Scheduler a(db_a, clock);
  Scheduler b(db_b, clock);
  a.every("tick", 1min, job_for("a"));
  b.every("tick", 1min, job_for("b"));

  constexpr int kPeriods = 5;
  std::atomic<std::size_t> ran_a{0};
  std::atomic<std::size_t> ran_b{0};
  for (int p = 0; p < kPeriods; ++p) {
    period = p;
    std::vector<std::jthread> threads;
    std::latch go(4);
    for (int i = 0; i < 4; ++i) {
      Scheduler* s = i % 2 == 0 ? &a : &b;
      std::atomic<std::size_t>* ran = i % 2 == 0 ? &ran_a : &ran_b;
      threads.emplace_back([&go, s, ran] {
        go.arrive_and_wait();
        for (int k = 0; k < 5; ++k) *ran += s->run_due();
      });
    }
    threads.clear();  // joins
    clock.advance(1min);
  }

  for (int p = 0; p < kPeriods; ++p) CHECK(data.count("period = " + std::to_string(p)) == "1");
  CHECK(data.count() == std::to_string(kPeriods));
  CHECK(ran_a + ran_b == kPeriods);
  CHECK(data.job_column("runs", "tick") == std::to_string(kPeriods));
}

TEST_CASE("a job runs only when its period has come", "[db][scheduler]") {
  SchedulerDatabase data;
  auto db = connect(data.t);
  ManualClock clock = fixed_clock();
  Scheduler scheduler(db, clock);
  int runs = 0;
  scheduler.every("hourly", 1h, [&](Tx& tx) { record_effect(tx, "hourly", ++runs); });

  CHECK(scheduler.run_due() == 1);  // a job the database has never seen is due at once
  CHECK(scheduler.run_due() == 0);
  clock.advance(59min);
  CHECK(scheduler.run_due() == 0);
  clock.advance(59s);
  CHECK(scheduler.run_due() == 0);
  clock.advance(1s);
  CHECK(scheduler.run_due() == 1);
  CHECK(scheduler.run_due() == 0);
  CHECK(runs == 2);
  CHECK(data.count() == "2");
}

TEST_CASE("missed periods are skipped and the schedule keeps its grid", "[db][scheduler]") {
  SchedulerDatabase data;
  auto db = connect(data.t);
  ManualClock clock = fixed_clock();
  const TimePoint start = clock.now();
  Scheduler scheduler(db, clock);
  int runs = 0;
  scheduler.every("minutely", 1min, [&](Tx& tx) { record_effect(tx, "minutely", ++runs); });

  REQUIRE(scheduler.run_due() == 1);
  clock.advance(10min + 30s);  // ten periods late, half-way through the eleventh
  CHECK(scheduler.run_due() == 1);
  CHECK(scheduler.run_due() == 0);
  CHECK(runs == 2);

  const auto next = epoch_microseconds(start + 11min);
  CHECK(data.job_column("(extract(epoch FROM next_run_at) * 1000000)::bigint", "minutely") ==
        std::to_string(next));
  CHECK(data.job_column("runs", "minutely") == "2");
  clock.advance(29s);
  CHECK(scheduler.run_due() == 0);
  clock.advance(1s);
  CHECK(scheduler.run_due() == 1);
}

TEST_CASE("a failing job rolls back and waits for its next period", "[db][scheduler]") {
  SchedulerDatabase data;
  auto db = connect(data.t);
  ManualClock clock = fixed_clock();
  Registry metrics;
  Scheduler scheduler(db, clock, &metrics);
  int calls = 0;
  bool fail = true;
  scheduler.every("flaky", 5min, [&](Tx& tx) {
    ++calls;
    record_effect(tx, "flaky", calls);
    if (fail) throw std::runtime_error("flaky job gave up");
  });
  // A job whose SQL fails is a failure of that job too, not of the scheduler.
  static constexpr shop::infra::db::Statement kBroken{"test.broken", "SELECT * FROM public.no_such_table"};
  scheduler.every("broken", 5min, [](Tx& tx) { tx.query(kBroken); });
  int healthy_runs = 0;
  scheduler.every("healthy", 5min, [&](Tx& tx) { record_effect(tx, "healthy", ++healthy_runs); });

  CHECK(scheduler.run_due() == 1);  // only the healthy one
  CHECK(calls == 1);
  CHECK(healthy_runs == 1);
  CHECK(data.count("job = 'flaky'") == "0");  // its insert rolled back
  CHECK(data.job_column("last_error", "flaky") == "flaky job gave up");
  CHECK(data.job_column("failures", "flaky") == "1");
  CHECK(data.job_column("runs", "flaky") == "0");
  CHECK(data.job_column("last_error IS NOT NULL", "broken") == "t");
  CHECK(data.job_column("failures", "broken") == "1");

  // Not retried on every tick: the failure moved it to its next period.
  CHECK(scheduler.run_due() == 0);
  clock.advance(4min);
  CHECK(scheduler.run_due() == 0);
  CHECK(calls == 1);

  fail = false;
  clock.advance(1min);
  CHECK(scheduler.run_due() == 2);  // flaky and healthy; broken fails again
  CHECK(calls == 2);
  CHECK(data.count("job = 'flaky'") == "1");
  CHECK(data.job_column("last_error IS NULL", "flaky") == "t");
  CHECK(data.job_column("runs", "flaky") == "1");
  CHECK(data.job_column("failures", "flaky") == "1");
  CHECK(data.job_column("failures", "broken") == "2");

  const auto runs = [&](const std::string& job, const std::string& outcome) {
    return metrics.counter("shopd_job_runs_total", "", {{"job", job}, {"outcome", outcome}}).value();
  };
  CHECK(runs("flaky", "failed") == 1);
  CHECK(runs("flaky", "ok") == 1);
  CHECK(runs("broken", "failed") == 2);
  CHECK(runs("healthy", "ok") == 2);
  CHECK(metrics.render().find("shopd_job_duration_seconds_count{job=\"healthy\"} 2") != std::string::npos);
}

TEST_CASE("a run cut off mid-job leaves its period to another process", "[db][scheduler]") {
  SchedulerDatabase data;
  auto db_a = connect(data.t);
  auto db_b = connect(data.t);
  ManualClock clock = fixed_clock();
  std::latch entered(1);
  std::latch release(1);
  std::atomic<int> backend{0};
  Scheduler a(db_a, clock);
  a.every("report", 1h, [&](Tx& tx) {
    record_effect(tx, "report", 0, "a");
    static constexpr shop::infra::db::Statement kBackendPid{"test.backend_pid", "SELECT pg_backend_pid()"};
    backend = static_cast<int>(tx.query(kBackendPid)[0].integer(0));
    entered.count_down();
    release.wait();
  });
  Scheduler b(db_b, clock);
  b.every("report", 1h, [](Tx& tx) { record_effect(tx, "report", 0, "b"); });

  std::size_t ran_a = 99;
  std::jthread process_a([&] { ran_a = a.run_due(); });
  entered.wait();
  // The row is locked by a's run: b passes over it at once instead of waiting for a.
  auto b_while_locked = std::async(std::launch::async, [&] { return b.run_due(); });
  CHECK(b_while_locked.wait_for(5s) == std::future_status::ready);
  // The "crash": a's connection dies with its transaction open (which also frees a b that waited).
  query_value(data.t.url(), "SELECT pg_terminate_backend(" + std::to_string(backend.load()) + ")");
  CHECK(b_while_locked.get() == 0);
  release.count_down();
  process_a.join();
  CHECK(ran_a == 0);
  CHECK(data.count() == "0");
  CHECK(data.job_column("last_error IS NULL", "report") == "t");

  CHECK(b.run_due() == 1);  // same period, no clock change
  CHECK(data.count("source = 'b'") == "1");
  CHECK(data.count() == "1");
}

TEST_CASE("start runs due jobs in the background until stop", "[db][scheduler]") {
  SchedulerDatabase data;
  auto db = connect(data.t);
  SystemClock clock;
  std::atomic<int> runs{0};
  Scheduler scheduler(db, clock);
  scheduler.every("fast", 50ms, [&](Tx& tx) { record_effect(tx, "fast", ++runs); });

  scheduler.start(10ms);
  CHECK(eventually([&] { return runs >= 3; }, 5s));
  scheduler.stop();
  const int after_stop = runs;
  std::this_thread::sleep_for(150ms);
  CHECK(runs == after_stop);
  CHECK(data.count() == std::to_string(after_stop));
  scheduler.stop();  // idempotent
}

TEST_CASE("stop interrupts the wait between ticks", "[db][scheduler]") {
  SchedulerDatabase data;
  auto db = connect(data.t);
  SystemClock clock;
  std::atomic<int> runs{0};
  {
    Scheduler scheduler(db, clock);
    scheduler.every("daily", 24h, [&](Tx&) { ++runs; });
    scheduler.start(1h);
    REQUIRE(eventually([&] { return runs == 1; }, 5s));  // the first tick comes at once

    const auto before = std::chrono::steady_clock::now();
    scheduler.stop();
    CHECK(std::chrono::steady_clock::now() - before < 1s);

    scheduler.start(1h);  // again after a stop; the destructor stops this one
  }
  CHECK(runs == 1);  // the day has not passed
}

TEST_CASE("registration mistakes are refused", "[db][scheduler]") {
  TestDatabase t;
  auto db = connect(t);
  ManualClock clock = fixed_clock();
  Scheduler scheduler(db, clock);
  auto nothing = [](Tx&) {};
  scheduler.every("once", 1s, nothing);
  CHECK_THROWS_AS(scheduler.every("once", 1s, nothing), std::logic_error);
  CHECK_THROWS_AS(scheduler.every("never", 0ms, nothing), std::logic_error);
  // Without the table the run fails quietly and runs nothing; registration is closed all the same.
  CHECK(scheduler.run_due() == 0);
  CHECK_THROWS_AS(scheduler.every("late", 1s, nothing), std::logic_error);
}
