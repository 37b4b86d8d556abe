#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/db/notification_listener.hpp"
#include "shop/infra/events/subscription.hpp"
#include "shop/infra/metrics/registry.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

// Delivers committed events to subscribers, at least once, from any number of processes at a time.
//
// Each delivery (event x subscriber) is a row. A dispatcher claims a batch of due rows of one
// subscriber with FOR UPDATE SKIP LOCKED, so two dispatchers never hold the same delivery and none is
// skipped, and runs each handler under a savepoint of that one transaction: a handler that throws
// rolls back alone and its delivery is rescheduled with exponential backoff (a dead letter after
// max_attempts); the others are marked handled and commit together with their effects. A dispatcher
// that dies mid-batch leaves nothing behind: its transaction rolls back and the rows are due again.
namespace shop::infra::events {

struct DispatcherOptions {
  std::size_t threads = 2;                      // concurrent batches in this process
  std::size_t batch_size = 32;                  // deliveries claimed per transaction
  int max_attempts = 10;                        // then the delivery is a dead letter
  std::chrono::milliseconds retry_base{1'000};  // the first retry's delay; doubles per attempt
  std::chrono::milliseconds retry_max{3'600'000};
  std::chrono::milliseconds poll_interval{1'000};  // when no NOTIFY arrives (delayed events, lost wake-ups)
};

class Dispatcher {
 public:
  // metrics may be null (tests).
  Dispatcher(db::Database& db, const clock::Clock& clock, DispatcherOptions options,
             metrics::Registry* metrics = nullptr);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Before register_subscriptions(); names must be unique.
  void add(Subscription subscription);
  // Blocking: records the subscriptions, so events published from now on are delivered to them.
  void register_subscriptions();

  // Blocking: one batch for every subscriber. Returns the deliveries attempted (handled or failed).
  std::size_t dispatch_once();

  // Background delivery: `threads` threads woken by NOTIFY and by the poll interval.
  void start();
  // Finishes the batches in flight and joins; idempotent.
  void stop();
  // Makes the background threads look for work now.
  void wake();
  // True while started and LISTENing for commits (readiness, tests).
  bool listening() const { return listener_ && listener_->listening(); }

  // The delay before retrying a delivery that failed `attempts` times in all.
  std::chrono::milliseconds retry_delay(int attempts) const;

 private:
  struct SubscriberMetrics;
  std::size_t dispatch_batch(const Subscription& subscription, SubscriberMetrics& metrics);
  void run(std::stop_token stop);
  void refresh_gauges();

  db::Database& db_;
  const clock::Clock& clock_;
  DispatcherOptions options_;
  metrics::Registry* metrics_;
  std::vector<Subscription> subscriptions_;
  std::vector<std::unique_ptr<SubscriberMetrics>> subscriber_metrics_;

  std::mutex mutex_;
  std::condition_variable_any woken_;
  std::uint64_t wake_generation_ = 0;
  std::unique_ptr<db::NotificationListener> listener_;
  std::vector<std::jthread> threads_;

  // Read by the gauges on scrape; refreshed by the dispatcher threads, never by the scrape itself.
  std::atomic<double> backlog_{0};
  std::atomic<double> dead_letters_{0};
  std::chrono::steady_clock::time_point gauges_refreshed_{};
};

}  // namespace shop::infra::events
