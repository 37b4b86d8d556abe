#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

// Calls back when PostgreSQL delivers a NOTIFY on one channel: how the event dispatcher learns at once
// that an event committed, in this process or another. LISTEN needs a session of its own that stays
// open, so the listener keeps one connection and one thread that sleeps in poll(2). A lost
// connection is re-established; notifications sent meanwhile are lost, so users also poll.
namespace shop::infra::db {

class NotificationListener {
 public:
  // channel: a plain identifier. on_notify runs on the listener's thread, once per batch of
  // notifications received together; it must be quick (wake someone up).
  NotificationListener(std::string conninfo, std::string channel, std::function<void()> on_notify);
  ~NotificationListener();
  NotificationListener(const NotificationListener&) = delete;
  NotificationListener& operator=(const NotificationListener&) = delete;

  void start();
  // Idempotent; returns once the thread has ended.
  void stop();
  // True while LISTEN is in effect (for readiness and tests).
  bool listening() const { return listening_.load(); }

 private:
  void run();
  bool sleep_or_stop(int milliseconds);  // false when asked to stop

  std::string conninfo_;
  std::string channel_;
  std::function<void()> on_notify_;
  int stop_fd_ = -1;  // eventfd: poll(2) wakes on it when stop() is called
  std::atomic<bool> listening_{false};
  std::thread thread_;
};

}  // namespace shop::infra::db
