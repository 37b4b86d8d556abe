#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/metrics/registry.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// Periodic jobs (expiring reservations, retention, reports) that run once per period across all
// shopd processes sharing a database, tracked in shopd.scheduled_jobs (migrations/0003).
//
// Each run is one transaction that claims the job's row with FOR UPDATE SKIP LOCKED, runs the job
// on that transaction and moves next_run_at to the next period: the job's effects and the schedule
// commit together, so a process that dies mid-run leaves the period to another process. Periods lie
// on a fixed grid from the job's first schedule; periods missed while no process ran are skipped,
// not replayed. Time comes from the injected Clock (a ManualClock in tests), not from PostgreSQL.
namespace shop::infra::scheduler {

class Scheduler {
 public:
  // The job's work, atomic with its run being recorded. It may run again after a serialization
  // failure or deadlock (db::Database::transact), so it must have no effects outside the database.
  using Job = std::function<void(db::Tx&)>;

  // db, clock and metrics must outlive the scheduler.
  Scheduler(db::Database& db, const clock::Clock& clock, metrics::Registry* metrics = nullptr);
  ~Scheduler();  // stops the background thread
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Registers a job, due at once if the database has never seen it. A job whose interval changes
  // keeps its stored next_run_at once more. Throws std::logic_error for a duplicate name, an interval
  // that is not positive, or a registration after the first run_due() or start().
  void every(std::string name, std::chrono::milliseconds interval, Job job);

  // Blocking: runs every job that is due and not being run elsewhere right now, one after another,
  // and returns how many ran and committed. Nothing is thrown: a job that fails is rolled back, its
  // error kept in last_error and its period skipped, so that it does not fail again on every tick; a
  // run cut off by a lost database connection stays due, as after a crash. Safe to call from several
  // threads at once. A job holds its row lock and a pooled connection while it runs: keep jobs short
  // (a batch per run), never waiting on anything outside the database.
  std::size_t run_due();

  // Calls run_due() every `tick` on a background thread until stop(). stop() interrupts the wait at
  // once but lets a running job finish; it is idempotent and must not be called from a job.
  void start(std::chrono::milliseconds tick = std::chrono::seconds(1));
  void stop();

 private:
  struct Entry {
    std::string name;
    std::chrono::microseconds interval;
    Job job;
    metrics::Counter* succeeded = nullptr;
    metrics::Counter* failed = nullptr;
    metrics::Histogram* duration = nullptr;
  };
  enum class Outcome { kNotDue, kSucceeded, kFailed };

  bool ensure_rows();
  Outcome run_if_due(const Entry& entry);
  void record_failure(const Entry& entry, clock::TimePoint scheduled, clock::TimePoint next,
                      clock::TimePoint started, const std::string& error);

  db::Database& db_;
  const clock::Clock& clock_;
  metrics::Registry* metrics_;
  // Guards registration and the one-time creation of the jobs' rows. Once frozen_, entries_ no longer
  // changes and any thread reads it without the lock.
  std::mutex registration_mutex_;
  std::vector<Entry> entries_;
  bool frozen_ = false;
  bool rows_ensured_ = false;
  std::mutex wait_mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace shop::infra::scheduler
