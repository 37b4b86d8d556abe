#pragma once

#include <atomic>
#include <functional>
#include <span>
#include <string>
#include <thread>

// Calls back when PostgreSQL delivers a NOTIFY on one channel: how the event dispatcher learns at once
// that an event committed, in this process or another, and how the catalog's caches learn that a
// product changed. LISTEN needs a session of its own that stays open, so the listener keeps one
// connection and one thread that sleeps in poll(2). A lost connection is re-established;
// notifications sent meanwhile are lost, so users also poll, or drop what they hold.
namespace shop::infra::db {

// What a listener reports. Each runs on the listener's thread and must be quick (wake someone up,
// drop a cache entry).
struct ListenerHandlers {
  // A batch of notifications received together, with their payloads in the order sent.
  std::function<void(std::span<const std::string> payloads)> on_notify;
  // LISTEN is in effect: at start, and again after a reconnect. Whatever committed before may have
  // gone unheard.
  std::function<void()> on_listening = {};
  // The connection broke: nothing is heard until the next on_listening.
  std::function<void()> on_lost = {};
};

class NotificationListener {
 public:
  // channel: a plain identifier.
  NotificationListener(std::string conninfo, std::string channel, ListenerHandlers handlers);
  // on_notify runs once per batch of notifications and once each time LISTEN takes effect.
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
  ListenerHandlers handlers_;
  int stop_fd_ = -1;  // eventfd: poll(2) wakes on it when stop() is called
  std::atomic<bool> listening_{false};
  std::thread thread_;
};

}  // namespace shop::infra::db
