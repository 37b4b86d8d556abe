#pragma once

#include <atomic>
#include <chrono>

// Wall-clock time as a dependency, so that tests can move it: the scheduler and the event dispatcher
// ask a Clock, never std::chrono directly, for anything that decides *when* work is due.
namespace shop::infra::clock {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// Stands still until told to move; safe to read and move from several threads.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = std::chrono::system_clock::now())
      : ticks_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(TimePoint::duration(ticks_.load())); }
  void advance(std::chrono::system_clock::duration by) { ticks_ += by.count(); }
  void set(TimePoint to) { ticks_ = to.time_since_epoch().count(); }

 private:
  std::atomic<TimePoint::rep> ticks_;
};

// PostgreSQL takes our time points as microseconds since the epoch:
//   `timestamptz 'epoch' + :at * interval '1 microsecond'` is exact, unlike to_timestamp(double).
inline long long epoch_microseconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

}  // namespace shop::infra::clock
