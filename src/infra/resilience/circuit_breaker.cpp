#include "shop/infra/resilience/circuit_breaker.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace shop::infra::resilience {
namespace {

const CircuitBreakerOptions& checked(const CircuitBreakerOptions& options) {
  if (options.window <= std::chrono::milliseconds::zero())
    throw std::invalid_argument("circuit breaker: window must be positive");
  if (options.min_calls == 0) throw std::invalid_argument("circuit breaker: min_calls must be at least 1");
  if (!(options.failure_rate > 0.0 && options.failure_rate <= 1.0))
    throw std::invalid_argument("circuit breaker: failure_rate must be in (0, 1]");
  if (options.open_for <= std::chrono::milliseconds::zero())
    throw std::invalid_argument("circuit breaker: open_for must be positive");
  if (options.trial_calls == 0)
    throw std::invalid_argument("circuit breaker: trial_calls must be at least 1");
  return options;
}

}  // namespace

CircuitBreaker::Permit::Permit(Permit&& other) noexcept
    : breaker_(std::exchange(other.breaker_, nullptr)), generation_(other.generation_) {}

CircuitBreaker::Permit& CircuitBreaker::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    if (breaker_) breaker_->release(generation_);
    breaker_ = std::exchange(other.breaker_, nullptr);
    generation_ = other.generation_;
  }
  return *this;
}

CircuitBreaker::Permit::~Permit() {
  if (breaker_) breaker_->release(generation_);
}

void CircuitBreaker::Permit::report(bool success) {
  if (auto* breaker = std::exchange(breaker_, nullptr)) breaker->report(generation_, success);
}

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options, const clock::Clock& clock)
    : options_(checked(options)),
      clock_(clock),
      step_width_(std::chrono::nanoseconds(options_.window) / static_cast<long>(kWindowSteps)) {}

CircuitBreaker::Admission CircuitBreaker::admit() {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  if (state_ == CircuitState::kOpen) {
    const auto elapsed = now - opened_at_;
    if (elapsed < options_.open_for) {
      // A clock that went back counts as no time passed.
      const auto left = options_.open_for - std::max(elapsed, clock::TimePoint::duration::zero());
      return {std::nullopt, std::chrono::ceil<std::chrono::milliseconds>(left)};
    }
    enter(CircuitState::kHalfOpen, now);
  }
  if (state_ == CircuitState::kHalfOpen) {
    if (trials_admitted_ >= options_.trial_calls) return {std::nullopt, kHalfOpenRetryAfter};
    ++trials_admitted_;
  }
  return {Permit(this, generation_), std::chrono::milliseconds::zero()};
}

CircuitState CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

void CircuitBreaker::report(std::uint64_t generation, bool success) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) return;
  const auto now = clock_.now();
  if (state_ == CircuitState::kClosed) {
    count(now, success);
  } else if (state_ == CircuitState::kHalfOpen) {
    if (!success) {
      enter(CircuitState::kOpen, now);
    } else if (++trials_succeeded_ >= options_.trial_calls) {
      enter(CircuitState::kClosed, now);
    }
  }
}

void CircuitBreaker::release(std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation == generation_ && state_ == CircuitState::kHalfOpen && trials_admitted_ > 0)
    --trials_admitted_;
}

void CircuitBreaker::enter(CircuitState state, clock::TimePoint now) {
  state_ = state;
  ++generation_;
  switch (state) {
    case CircuitState::kClosed:
      steps_.fill(Step{});  // what happened before the outage says nothing about now
      break;
    case CircuitState::kOpen:
      opened_at_ = now;
      break;
    case CircuitState::kHalfOpen:
      trials_admitted_ = 0;
      trials_succeeded_ = 0;
      break;
  }
}

std::int64_t CircuitBreaker::step_index(clock::TimePoint t) const {
  return static_cast<std::int64_t>(std::chrono::nanoseconds(t.time_since_epoch()) / step_width_);
}

void CircuitBreaker::count(clock::TimePoint now, bool success) {
  const auto index = step_index(now);
  constexpr auto kSteps = static_cast<std::int64_t>(kWindowSteps);
  Step& step = steps_[static_cast<std::size_t>(((index % kSteps) + kSteps) % kSteps)];
  if (step.index != index) step = Step{index, 0, 0};
  ++step.calls;
  if (success) return;  // a success never opens the circuit
  ++step.failures;

  std::size_t calls = 0;
  std::size_t failures = 0;
  for (const Step& s : steps_) {
    // Only the last kWindowSteps steps; a step "from the future" (the clock went back) is left out.
    if (s.index > index - kSteps && s.index <= index) {
      calls += s.calls;
      failures += s.failures;
    }
  }
  // The epsilon keeps 6 of 20 at 0.30 from missing by a rounding error.
  if (calls >= options_.min_calls &&
      static_cast<double>(failures) >= options_.failure_rate * static_cast<double>(calls) - 1e-9) {
    enter(CircuitState::kOpen, now);
  }
}

}  // namespace shop::infra::resilience
