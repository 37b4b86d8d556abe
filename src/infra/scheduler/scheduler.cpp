#include "shop/infra/scheduler/scheduler.hpp"

#include "shop/infra/log/log.hpp"

#include <fmt/format.h>

#include <exception>
#include <stdexcept>
#include <utility>

namespace shop::infra::scheduler {
namespace {

// A job seen for the first time is due at once. DO NOTHING rather than DO UPDATE: it neither waits
// for nor disturbs a row that another process is running right now.
constexpr db::Statement kEnsureJob{"scheduler.ensure_job", R"sql(
INSERT INTO shopd.scheduled_jobs (name, next_run_at) VALUES ($1, $2)
ON CONFLICT (name) DO NOTHING)sql"};

// SKIP LOCKED: a row locked by another process means that process is running this period; waiting
// for it would only find the period done.
constexpr db::Statement kClaimJob{"scheduler.claim_job", R"sql(
SELECT next_run_at FROM shopd.scheduled_jobs WHERE name = $1 AND next_run_at <= $2
FOR UPDATE SKIP LOCKED)sql"};

constexpr db::Statement kRecordSuccess{"scheduler.record_success", R"sql(
UPDATE shopd.scheduled_jobs
SET next_run_at = $1, runs = runs + 1, last_started_at = $2, last_finished_at = $3, last_error = NULL
WHERE name = $4)sql"};

// Runs after the failed run's transaction rolled back, so the row is free again. It changes the row
// only if it still holds the failed period and nobody has it locked: otherwise another process has
// already run that period, or is running it, and that outcome is the one to keep. Times are exact to
// the microsecond both ways, so the period matches by equality.
constexpr db::Statement kRecordFailure{"scheduler.record_failure", R"sql(
UPDATE shopd.scheduled_jobs
SET next_run_at = $1, failures = failures + 1, last_started_at = $2, last_finished_at = $3, last_error = $4
WHERE name IN (SELECT name FROM shopd.scheduled_jobs WHERE name = $5 AND next_run_at = $6
               FOR UPDATE SKIP LOCKED))sql"};

// Long enough for a database error with its detail; last_error is for people, not a log store.
constexpr std::size_t kMaxErrorBytes = 2000;

using Micros = std::chrono::microseconds;
using clock::TimePoint;

// The first boundary after `now` on the job's grid `scheduled + k * interval`: periods that passed
// while no process ran the job are skipped, and the grid never drifts by how late a run started.
TimePoint next_period(TimePoint scheduled, TimePoint now, Micros interval) {
  const auto passed = std::chrono::duration_cast<Micros>(now - scheduled);
  return scheduled + (passed / interval + 1) * interval;
}

// Microsecond precision, as PostgreSQL stores it, so that a time read back compares equal.
TimePoint now_us(const clock::Clock& clock) {
  return std::chrono::time_point_cast<Micros>(clock.now());
}

struct Failure {
  std::string cause;    // safe to log: a class of error, never its message
  std::string message;  // may quote data (a database error's detail does): only for last_error
  bool unavailable = false;
};

Failure describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const db::Unavailable& e) {
    return {"database unavailable, sqlstate " + e.sqlstate(), e.what(), true};
  } catch (const db::DbError& e) {
    return {"sqlstate " + (e.sqlstate().empty() ? std::string("unknown") : e.sqlstate()), e.what()};
  } catch (const std::exception& e) {
    return {"exception", e.what()};
  } catch (...) {
    return {"non-standard exception", "an exception not derived from std::exception"};
  }
}

// Cuts at a UTF-8 character boundary: PostgreSQL refuses text with a broken sequence.
std::string truncate_utf8(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

}  // namespace

Scheduler::Scheduler(db::Database& db, const clock::Clock& clock, metrics::Registry* metrics)
    : db_(db), clock_(clock), metrics_(metrics) {}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::every(std::string name, std::chrono::milliseconds interval, Job job) {
  std::lock_guard lock(registration_mutex_);
  if (frozen_) throw std::logic_error("scheduled job '" + name + "' registered after the scheduler started");
  if (interval <= std::chrono::milliseconds::zero()) {
    throw std::logic_error("scheduled job '" + name + "' needs a positive interval");
  }
  for (const Entry& e : entries_) {
    if (e.name == name) throw std::logic_error("scheduled job '" + name + "' registered twice");
  }
  Entry entry{name, interval, std::move(job)};
  if (metrics_ != nullptr) {
    // Created here so that a job that never ran shows as zero rather than missing.
    const char* runs_help = "Scheduled job runs by job and outcome.";
    entry.succeeded =
        &metrics_->counter("shopd_job_runs_total", runs_help, {{"job", name}, {"outcome", "ok"}});
    entry.failed =
        &metrics_->counter("shopd_job_runs_total", runs_help, {{"job", name}, {"outcome", "failed"}});
    entry.duration =
        &metrics_->histogram("shopd_job_duration_seconds", "Scheduled job run time, failed runs included.",
                             {{"job", name}}, metrics::latency_buckets());
  }
  entries_.push_back(std::move(entry));
}

bool Scheduler::ensure_rows() {
  std::lock_guard lock(registration_mutex_);
  frozen_ = true;  // under the lock: no every() can still be appending to entries_
  if (rows_ensured_) return true;
  const TimePoint at = now_us(clock_);
  auto insert = [&](db::Tx& tx) {
    for (const Entry& e : entries_) tx.exec(kEnsureJob, e.name, at);
  };
  try {
    db_.transact_blocking(insert);
  } catch (const std::exception& e) {
    // The database is down or not migrated: nothing can run now, and the next tick tries again.
    const auto* db_error = dynamic_cast<const db::DbError*>(&e);
    log::warn("scheduler", "cannot register jobs",
              {{"sqlstate", db_error != nullptr ? db_error->sqlstate() : std::string("none")}});
    return false;
  }
  rows_ensured_ = true;
  return true;
}

std::size_t Scheduler::run_due() {
  if (!ensure_rows()) return 0;
  std::size_t succeeded = 0;
  for (const Entry& entry : entries_) {
    if (run_if_due(entry) == Outcome::kSucceeded) ++succeeded;
  }
  return succeeded;
}

Scheduler::Outcome Scheduler::run_if_due(const Entry& entry) {
  const TimePoint started = now_us(clock_);
  TimePoint scheduled;
  bool claimed = false;
  auto run = [&](db::Tx& tx) {
    claimed = false;  // a retried attempt claims afresh
    const auto row = tx.query(kClaimJob, entry.name, started).first();
    if (!row) return;
    scheduled = row->time(0);
    claimed = true;
    entry.job(tx);
    tx.exec(kRecordSuccess, next_period(scheduled, started, entry.interval), started, now_us(clock_),
            entry.name);
  };

  const auto began = std::chrono::steady_clock::now();
  auto observe = [&] {
    if (entry.duration != nullptr) {
      entry.duration->observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
    }
  };
  try {
    db_.transact_blocking(run);
  } catch (...) {
    // A job is arbitrary code: whatever it throws is that job's failure, recorded and counted here,
    // and must not stop the other jobs or the scheduler's thread.
    const Failure failure = describe(std::current_exception());
    if (!claimed) {
      log::warn("scheduler", "cannot claim job", {{"job", entry.name}, {"cause", failure.cause}});
      return Outcome::kNotDue;
    }
    observe();
    if (entry.failed != nullptr) entry.failed->add();
    if (failure.unavailable) {
      // Not the job's fault, and the rollback left the period due: this process or another runs it
      // again once the database answers, as after a crash.
      log::warn("scheduler", "job interrupted", {{"job", entry.name}, {"cause", failure.cause}});
      return Outcome::kFailed;
    }
    log::error("scheduler", "job failed; error in shopd.scheduled_jobs.last_error",
               {{"job", entry.name}, {"cause", failure.cause}});
    record_failure(entry, scheduled, next_period(scheduled, started, entry.interval), started,
                   failure.message);
    return Outcome::kFailed;
  }
  if (!claimed) return Outcome::kNotDue;
  observe();
  if (entry.succeeded != nullptr) entry.succeeded->add();
  log::debug("scheduler", "job ran", {{"job", entry.name}});
  return Outcome::kSucceeded;
}

void Scheduler::record_failure(const Entry& entry, TimePoint scheduled, TimePoint next, TimePoint started,
                               const std::string& error) {
  // Moving next_run_at on keeps a failing job from running again on every tick until its next period.
  auto record = [&](db::Tx& tx) {
    tx.exec(kRecordFailure, next, started, now_us(clock_), truncate_utf8(error, kMaxErrorBytes), entry.name,
            scheduled);
  };
  try {
    db_.transact_blocking(record);
  } catch (const std::exception& e) {
    // The period stays due, so the job runs again on the next tick: the better outcome when the
    // database itself was the reason it failed.
    const auto* db_error = dynamic_cast<const db::DbError*>(&e);
    log::warn("scheduler", "cannot record job failure",
              {{"job", entry.name},
               {"sqlstate", db_error != nullptr ? db_error->sqlstate() : std::string("none")}});
  }
}

void Scheduler::start(std::chrono::milliseconds tick) {
  {
    std::lock_guard lock(registration_mutex_);
    frozen_ = true;
  }
  if (thread_.joinable()) throw std::logic_error("scheduler started twice");
  log::info("scheduler", "started", {{"jobs", entries_.size()}, {"tick_ms", tick.count()}});
  thread_ = std::jthread([this, tick](const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      run_due();
      std::unique_lock lock(wait_mutex_);
      wake_.wait_for(lock, stop, tick, [] { return false; });
    }
  });
}

void Scheduler::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();  // wakes the wait at once through the stop token
  thread_.join();
  log::info("scheduler", "stopped");
}

}  // namespace shop::infra::scheduler
