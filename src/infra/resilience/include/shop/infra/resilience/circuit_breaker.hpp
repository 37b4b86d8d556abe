#pragma once

#include "shop/infra/clock/clock.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>

// A circuit breaker for calls to a remote dependency (a payment gateway): when too many recent calls
// fail, stop calling for a while instead of piling timeouts onto a service that is already down, then
// let a few trial calls find out whether it is back.
//
//   closed --(over the last `window`: >= min_calls calls and failures/calls >= failure_rate)--> open
//   open --(open_for passed; the next call asks)--> half_open, which admits trial_calls calls
//   half_open --(all trial_calls succeeded)--> closed, with an empty window
//   half_open --(any trial failed)--> open for another open_for
//
// The window slides in steps of window / kWindowSteps. Time comes from the injected Clock, so tests
// drive it with a ManualClock; a clock that jumps back never reopens or closes anything by itself.
// Thread-safe.
namespace shop::infra::resilience {

struct CircuitBreakerOptions {
  std::chrono::milliseconds window{30'000};
  std::size_t min_calls = 20;
  double failure_rate = 0.30;  // opens at or above this share of failures, (0, 1]
  std::chrono::milliseconds open_for{60'000};
  std::size_t trial_calls = 5;
};

// Numbered for the metrics gauge: closed=0, open=1, half_open=2.
enum class CircuitState { kClosed = 0, kOpen = 1, kHalfOpen = 2 };

class CircuitBreaker {
 public:
  // One admitted call. Report how it went with succeeded() or failed(); a permit dropped without a
  // report (the caller gave up, a coroutine was destroyed) counts as neither and frees its trial slot.
  class Permit {
   public:
    Permit(Permit&& other) noexcept;
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit();

    void succeeded() { report(true); }
    void failed() { report(false); }

   private:
    friend class CircuitBreaker;
    Permit(CircuitBreaker* breaker, std::uint64_t generation) : breaker_(breaker), generation_(generation) {}
    void report(bool success);

    CircuitBreaker* breaker_;  // null once reported or moved from
    std::uint64_t generation_;
  };

  struct Admission {
    std::optional<Permit> permit;              // empty: the circuit refuses the call
    std::chrono::milliseconds retry_after{0};  // when refused: how long until it may admit one again
    explicit operator bool() const { return permit.has_value(); }
  };

  // Throws std::invalid_argument for options that cannot work (a zero window, a rate outside (0, 1]).
  // The clock must outlive the breaker.
  CircuitBreaker(CircuitBreakerOptions options, const clock::Clock& clock);
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // Asks to make one call; every admitted call must be reported through its permit.
  Admission admit();
  // As of the last admit() or report: an open circuit whose open_for has passed stays kOpen until a
  // call asks, because only then is a trial really let through.
  CircuitState state() const;

  static constexpr std::size_t kWindowSteps = 30;
  // What a refused caller is told while every trial slot of a half-open circuit is taken: the trials
  // decide within about one call's time.
  static constexpr std::chrono::milliseconds kHalfOpenRetryAfter{1'000};

 private:
  struct Step {
    std::int64_t index = -1;  // which window step these counts belong to
    std::size_t calls = 0;
    std::size_t failures = 0;
  };

  void report(std::uint64_t generation, bool success);
  void release(std::uint64_t generation);
  void enter(CircuitState state, clock::TimePoint now);  // caller holds mutex_
  std::int64_t step_index(clock::TimePoint t) const;
  void count(clock::TimePoint now, bool success);  // closed: adds the call, opens if it must

  const CircuitBreakerOptions options_;
  const clock::Clock& clock_;
  const std::chrono::nanoseconds step_width_;

  mutable std::mutex mutex_;
  CircuitState state_ = CircuitState::kClosed;
  // Bumped at every change of state, so that a call admitted in an earlier state cannot move this one.
  std::uint64_t generation_ = 0;
  std::array<Step, kWindowSteps> steps_{};  // closed: the window, a ring indexed by step_index % size
  clock::TimePoint opened_at_{};            // open
  std::size_t trials_admitted_ = 0;         // half-open
  std::size_t trials_succeeded_ = 0;        // half-open
};

}  // namespace shop::infra::resilience
