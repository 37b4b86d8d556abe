#include "shop/infra/scheduler/scheduler.hpp"

#include "shop/infra/log/log.hpp"

#include <fmt/format.h>

#include <exception>
#include <stdexcept>
#include <utility>

namespace shop::infra::scheduler {
namespace {

// Time points cross into SQL as microseconds since the epoch (clock::epoch_microseconds) and come back
// the same way, exactly: the failure record matches the claimed next_run_at by equality.

// A job seen for the first time is due at once. DO NOTHING rather than DO UPDATE: it neither waits
// for nor disturbs a row that another process is running right now.
constexpr const char* kEnsureJob = R"sql(
INSERT INTO shopd.scheduled_jobs (name, next_run_at)
VALUES (:name, timestamptz 'epoch' + :now * interval '1 microsecond')
ON CONFLICT (name) DO NOTHING)sql";

// SKIP LOCKED: a row locked by another process means that process is running this period; waiting
// for it would only find the period done.
constexpr const char* kClaimJob = R"sql(
SELECT (extract(epoch FROM next_run_at) * 1000000)::bigint
FROM shopd.scheduled_jobs
WHERE name = :name AND next_run_at <= timestamptz 'epoch' + :now * interval '1 microsecond'
FOR UPDATE SKIP LOCKED)sql";

constexpr const char* kRecordSuccess = R"sql(
UPDATE shopd.scheduled_jobs
SET next_run_at = timestamptz 'epoch' + :next * interval '1 microsecond',
    runs = runs + 1,
    last_started_at = timestamptz 'epoch' + :started * interval '1 microsecond',
    last_finished_at = timestamptz 'epoch' + :finished * interval '1 microsecond',
    last_error = NULL
WHERE name = :name)sql";

// Runs after the failed run's transaction rolled back, so the row is free again. It changes the row
// only if it still holds the failed period and nobody has it locked: otherwise another process has
// already run that period, or is running it, and that outcome is the one to keep.
constexpr const char* kRecordFailure = R"sql(
UPDATE shopd.scheduled_jobs
SET next_run_at = timestamptz 'epoch' + :next * interval '1 microsecond',
    failures = failures + 1,
    last_started_at = timestamptz 'epoch' + :started * interval '1 microsecond',
    last_finished_at = timestamptz 'epoch' + :finished * interval '1 microsecond',
    last_error = :error
WHERE name IN (SELECT name FROM shopd.scheduled_jobs
               WHERE name = :name AND next_run_at = timestamptz 'epoch' + :scheduled * interval '1 microsecond'
               FOR UPDATE SKIP LOCKED))sql";

// Long enough for a database error with its detail; last_error is for people, not a log store.
constexpr std::size_t kMaxErrorBytes = 2000;

// The first boundary after `now` on the job's grid `scheduled + k * interval`: periods that passed
// while no process ran the job are skipped, and the grid never drifts by how late a run started.
long long next_period(long long scheduled_us, long long now_us, long long interval_us) {
  return scheduled_us + ((now_us - scheduled_us) / interval_us + 1) * interval_us;
}

long long now_us(const clock::Clock& clock) {
  return clock::epoch_microseconds(clock.now());
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
  long long at = now_us(clock_);
  auto insert = [&](db::Tx& tx) {
    for (const Entry& e : entries_) {
      std::string name = e.name;
      tx.sql() << kEnsureJob, soci::use(name), soci::use(at);
    }
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
  const long long interval_us = entry.interval.count();
  long long started_us = now_us(clock_);
  long long scheduled_us = 0;
  bool claimed = false;
  auto run = [&](db::Tx& tx) {
    claimed = false;  // a retried attempt claims afresh
    std::string name = entry.name;
    tx.sql() << kClaimJob, soci::use(name), soci::use(started_us), soci::into(scheduled_us);
    if (!tx.sql().got_data()) return;
    claimed = true;
    entry.job(tx);
    long long next_us = next_period(scheduled_us, started_us, interval_us);
    long long finished_us = now_us(clock_);
    tx.sql() << kRecordSuccess, soci::use(next_us), soci::use(started_us), soci::use(finished_us),
        soci::use(name);
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
    record_failure(entry, scheduled_us, next_period(scheduled_us, started_us, interval_us), started_us,
                   failure.message);
    return Outcome::kFailed;
  }
  if (!claimed) return Outcome::kNotDue;
  observe();
  if (entry.succeeded != nullptr) entry.succeeded->add();
  log::debug("scheduler", "job ran", {{"job", entry.name}});
  return Outcome::kSucceeded;
}

void Scheduler::record_failure(const Entry& entry, long long scheduled_us, long long next_us,
                               long long started_us, const std::string& error) {
  // Moving next_run_at on keeps a failing job from running again on every tick until its next period.
  auto record = [&](db::Session& session) {
    std::string name = entry.name;
    std::string message = truncate_utf8(error, kMaxErrorBytes);
    long long next = next_us;
    long long started = started_us;
    long long finished = now_us(clock_);
    long long scheduled = scheduled_us;
    session.sql() << kRecordFailure, soci::use(next), soci::use(started), soci::use(finished),
        soci::use(message), soci::use(name), soci::use(scheduled);
  };
  try {
    db_.autocommit_blocking(record);
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
