#include "shop/infra/events/dispatcher.hpp"

#include "outbox_sql.hpp"
#include "shop/infra/events/outbox.hpp"
#include "shop/infra/log/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace shop::infra::events {
namespace {

constexpr db::Statement kRegisterSubscription{
    "events.register_subscription",
    "INSERT INTO shopd.event_subscriptions (subscriber, event_type) VALUES ($1, $2) ON CONFLICT DO NOTHING"};
constexpr db::Statement kRegisteredSubscribers{"events.registered_subscribers",
                                               "SELECT DISTINCT subscriber FROM shopd.event_subscriptions"};

constexpr db::Statement kClaimBatch{
    "events.claim_batch",
    "SELECT d.id, d.attempts, " SHOP_EVENT_COLUMNS
    " FROM shopd.event_deliveries d JOIN shopd.outbox_events e ON e.position = d.event_position"
    " WHERE d.subscriber = $1 AND d.status = 'pending' AND d.next_attempt_at <= $2"
    " ORDER BY d.next_attempt_at, d.id LIMIT $3"
    " FOR UPDATE OF d SKIP LOCKED"};

constexpr db::Statement kMarkHandled{
    "events.mark_handled",
    "UPDATE shopd.event_deliveries SET status = 'handled', attempts = attempts + 1, handled_at = now(),"
    " last_attempt_at = now() WHERE id = ANY($1::bigint[])"};

constexpr db::Statement kRecordFailure{
    "events.record_failure",
    "UPDATE shopd.event_deliveries SET attempts = attempts + 1, last_error = $1, last_attempt_at = now(),"
    " status = CASE WHEN attempts + 1 >= $2 THEN 'dead' ELSE 'pending' END, next_attempt_at = $3"
    " WHERE id = $4"};

constexpr db::Statement kCountBacklog{
    "events.count_backlog",
    "SELECT (SELECT count(*) FROM shopd.event_deliveries WHERE status = 'pending'),"
    "       (SELECT count(*) FROM shopd.event_deliveries WHERE status = 'dead')"};

constexpr std::size_t kMaxErrorLength = 2000;
constexpr auto kGaugeRefresh = std::chrono::seconds(5);

std::string describe(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    std::string what = e.what();
    if (what.size() > kMaxErrorLength) what.resize(kMaxErrorLength);
    return what.empty() ? "exception without a message" : what;
  } catch (...) {
    return "exception of unknown type";
  }
}

}  // namespace

struct Dispatcher::SubscriberMetrics {
  metrics::Counter* handled = nullptr;
  metrics::Counter* failed = nullptr;
  metrics::Counter* dead = nullptr;
};

Dispatcher::Dispatcher(db::Database& db, const clock::Clock& clock, DispatcherOptions options,
                       metrics::Registry* metrics)
    : db_(db), clock_(clock), options_(options), metrics_(metrics) {
  if (metrics_ == nullptr) return;
  metrics_->gauge("shopd_events_backlog", "Event deliveries waiting to be handled (due or delayed).", {},
                  [this] { return backlog_.load(); });
  metrics_->gauge("shopd_events_dead_letters", "Event deliveries that exhausted their attempts.", {},
                  [this] { return dead_letters_.load(); });
}

Dispatcher::~Dispatcher() {
  stop();
}

void Dispatcher::add(Subscription subscription) {
  for (const auto& s : subscriptions_) {
    if (s.name() == subscription.name()) throw std::logic_error("two subscriptions named " + s.name());
  }
  auto m = std::make_unique<SubscriberMetrics>();
  if (metrics_ != nullptr) {
    const metrics::Labels labels{{"subscriber", subscription.name()}};
    m->handled = &metrics_->counter("shopd_events_handled_total", "Event deliveries handled.", labels);
    m->failed =
        &metrics_->counter("shopd_events_failed_total", "Event deliveries whose handler failed.", labels);
    m->dead = &metrics_->counter("shopd_events_dead_lettered_total",
                                 "Event deliveries that became dead letters.", labels);
  }
  subscriptions_.push_back(std::move(subscription));
  subscriber_metrics_.push_back(std::move(m));
}

void Dispatcher::register_subscriptions() {
  auto record = [this](db::Tx& tx) {
    std::set<std::string> known;
    for (const auto& s : subscriptions_) {
      known.insert(s.name());
      for (const auto& [event_type, handler] : s.handlers())
        tx.exec(kRegisterSubscription, s.name(), event_type);
    }
    for (const auto row : tx.query(kRegisteredSubscribers)) {
      if (!known.contains(row.string(0))) {
        // Another release may serve it; if none does, its deliveries pile up (shopd_events_backlog).
        log::warn("events", "a registered subscriber is not served by this process",
                  {{"subscriber", row.string(0)}});
      }
    }
  };
  db_.transact_blocking(record);
}

std::chrono::milliseconds Dispatcher::retry_delay(int attempts) const {
  auto delay = options_.retry_base;
  for (int i = 1; i < attempts && delay < options_.retry_max; ++i) delay *= 2;
  return std::min(delay, options_.retry_max);
}

std::size_t Dispatcher::dispatch_once() {
  std::size_t attempted = 0;
  for (std::size_t i = 0; i < subscriptions_.size(); ++i) {
    attempted += dispatch_batch(subscriptions_[i], *subscriber_metrics_[i]);
  }
  return attempted;
}

std::size_t Dispatcher::dispatch_batch(const Subscription& subscription, SubscriberMetrics& m) {
  struct Outcome {
    std::size_t handled = 0, failed = 0, dead = 0;
  };
  auto batch = [&](db::Tx& tx) {
    Outcome outcome;
    std::vector<std::int64_t> handled;
    for (const auto row : tx.query(kClaimBatch, subscription.name(), clock_.now(), options_.batch_size)) {
      const auto id = row.integer(0);
      const int attempts = static_cast<int>(row.integer(1)) + 1;
      std::exception_ptr failure;
      // Each handler runs under a savepoint, so one that fails rolls back alone.
      tx.savepoint();
      try {
        const Event event = event_from_row(row, 2);
        const auto handler = subscription.handlers().find(event.type);
        if (handler == subscription.handlers().end()) {
          throw std::runtime_error("no handler for " + event.type + " in this process");
        }
        handler->second(tx, event);
        tx.release_savepoint();
      } catch (...) {
        failure = std::current_exception();
      }
      if (!failure) {
        handled.push_back(id);
        continue;
      }
      tx.rollback_to_savepoint();
      const std::string error = describe(failure);
      tx.defer(kRecordFailure, error, options_.max_attempts, clock_.now() + retry_delay(attempts), id);
      const bool dead = attempts >= options_.max_attempts;
      ++(dead ? outcome.dead : outcome.failed);
      log::write(
          dead ? log::Level::kError : log::Level::kWarn, "events",
          dead ? "event delivery failed for the last time; it is now a dead letter" : "event delivery failed",
          {{"subscriber", subscription.name()}, {"delivery", id}, {"attempt", attempts}, {"error", error}});
    }
    if (!handled.empty()) tx.defer(kMarkHandled, handled);
    outcome.handled = handled.size();
    return outcome;
  };
  // A serialization failure or deadlock re-runs the whole batch, effects included: they rolled back.
  const Outcome outcome = db_.transact_blocking(batch);
  if (m.handled != nullptr) {
    m.handled->add(outcome.handled);
    m.failed->add(outcome.failed + outcome.dead);
    m.dead->add(outcome.dead);
  }
  return outcome.handled + outcome.failed + outcome.dead;
}

void Dispatcher::start() {
  if (!threads_.empty()) return;
  listener_ =
      std::make_unique<db::NotificationListener>(db_.conninfo(), SHOP_WAKE_CHANNEL, [this] { wake(); });
  listener_->start();
  for (std::size_t i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this](std::stop_token stop) { run(stop); });
  }
}

void Dispatcher::stop() {
  if (listener_) listener_->stop();
  for (auto& t : threads_) t.request_stop();
  woken_.notify_all();
  threads_.clear();  // joins
}

void Dispatcher::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wake_generation_;
  }
  woken_.notify_all();
}

void Dispatcher::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::uint64_t seen;
    {
      std::lock_guard lock(mutex_);
      seen = wake_generation_;
    }
    std::size_t attempted = 0;
    try {
      attempted = dispatch_once();
      refresh_gauges();
    } catch (const std::exception& e) {
      // The database is down or restarting: nothing was lost, the deliveries are due again later.
      log::warn("events", "dispatch failed; will retry", {{"error", e.what()}});
    }
    if (attempted > 0) continue;
    std::unique_lock lock(mutex_);
    woken_.wait_for(lock, stop, options_.poll_interval, [&] { return wake_generation_ != seen; });
  }
}

void Dispatcher::refresh_gauges() {
  if (metrics_ == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (now - gauges_refreshed_ < kGaugeRefresh) return;
    gauges_refreshed_ = now;
  }
  auto count = [](db::Tx& tx) {
    const auto row = tx.query(kCountBacklog)[0];
    return std::make_pair(row.integer(0), row.integer(1));
  };
  const auto [backlog, dead] = db_.transact_blocking(count);
  backlog_ = static_cast<double>(backlog);
  dead_letters_ = static_cast<double>(dead);
}

}  // namespace shop::infra::events
