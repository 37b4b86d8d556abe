#include "shop/infra/clock/clock.hpp"
#include "shop/infra/resilience/circuit_breaker.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

using shop::infra::clock::ManualClock;
using shop::infra::resilience::CircuitBreaker;
using shop::infra::resilience::CircuitBreakerOptions;
using shop::infra::resilience::CircuitState;
using std::chrono_literals::operator""min;
using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

namespace {

// Runs `n` calls that all end the same way.
void calls(CircuitBreaker& breaker, int n, bool success) {
  for (int i = 0; i < n; ++i) {
    auto admission = breaker.admit();
    REQUIRE(admission);
    if (success) {
      admission.permit->succeeded();
    } else {
      admission.permit->failed();
    }
  }
}

// API.md's numbers: 30 s window, 20 calls, 30 %, open 60 s, 5 trials.
struct Fixture {
  ManualClock clock;
  CircuitBreaker breaker{CircuitBreakerOptions{}, clock};

  // Opens the circuit with 20 failures.
  void open() {
    calls(breaker, 20, false);
    REQUIRE(breaker.state() == CircuitState::kOpen);
  }
};

}  // namespace

TEST_CASE("A circuit stays closed below min_calls, whatever the failure rate", "[unit][resilience]") {
  Fixture f;
  calls(f.breaker, 19, false);
  CHECK(f.breaker.state() == CircuitState::kClosed);
  CHECK(f.breaker.admit());
}

TEST_CASE("A circuit opens at the failure rate over at least min_calls calls", "[unit][resilience]") {
  Fixture f;
  SECTION("29 % of 24 calls is not enough") {
    calls(f.breaker, 17, true);
    calls(f.breaker, 7, false);  // 7 / 24 = 0.29
    CHECK(f.breaker.state() == CircuitState::kClosed);
  }
  SECTION("exactly 30 % of 20 calls opens it") {
    calls(f.breaker, 14, true);
    calls(f.breaker, 6, false);
    CHECK(f.breaker.state() == CircuitState::kOpen);
  }
  SECTION("the call that reaches min_calls may open it") {
    calls(f.breaker, 10, false);
    calls(f.breaker, 9, true);
    CHECK(f.breaker.state() == CircuitState::kClosed);
    calls(f.breaker, 1, false);
    CHECK(f.breaker.state() == CircuitState::kOpen);
  }
}

TEST_CASE("Calls older than the window no longer count", "[unit][resilience]") {
  Fixture f;
  calls(f.breaker, 15, false);
  f.clock.advance(31s);
  calls(f.breaker, 5, true);
  calls(f.breaker, 4, false);  // 4 of 9 in the window: below min_calls; 19 of 24 had they all counted
  CHECK(f.breaker.state() == CircuitState::kClosed);

  // The window slides: after 20 s more, the failures of 20 s ago are still in it.
  f.clock.advance(20s);
  calls(f.breaker, 11, false);
  CHECK(f.breaker.state() == CircuitState::kOpen);
}

TEST_CASE("An open circuit refuses calls and says when to come back", "[unit][resilience]") {
  Fixture f;
  f.open();
  auto refused = f.breaker.admit();
  CHECK_FALSE(refused);
  CHECK(refused.retry_after == 60s);
  f.clock.advance(45'500ms);
  refused = f.breaker.admit();
  CHECK_FALSE(refused);
  CHECK(refused.retry_after == 14'500ms);
  CHECK(f.breaker.state() == CircuitState::kOpen);
}

TEST_CASE("After open_for a half-open circuit lets trial_calls through and no more", "[unit][resilience]") {
  Fixture f;
  f.open();
  f.clock.advance(60s);
  std::vector<CircuitBreaker::Permit> trials;
  for (int i = 0; i < 5; ++i) {
    auto admission = f.breaker.admit();
    REQUIRE(admission);
    trials.push_back(std::move(*admission.permit));
  }
  CHECK(f.breaker.state() == CircuitState::kHalfOpen);
  auto sixth = f.breaker.admit();
  CHECK_FALSE(sixth);
  CHECK(sixth.retry_after == CircuitBreaker::kHalfOpenRetryAfter);

  SECTION("all trials succeed: closed, with a fresh window") {
    for (auto& trial : trials) trial.succeeded();
    CHECK(f.breaker.state() == CircuitState::kClosed);
    // The 20 failures that opened it are forgotten: it takes a new 20 calls to open again.
    calls(f.breaker, 19, false);
    CHECK(f.breaker.state() == CircuitState::kClosed);
  }
  SECTION("one trial fails: open again for a whole open_for") {
    trials[0].succeeded();
    trials[1].failed();
    CHECK(f.breaker.state() == CircuitState::kOpen);
    // The other trials' results belong to the closed-off half-open spell and change nothing.
    for (std::size_t i = 2; i < trials.size(); ++i) trials[i].succeeded();
    CHECK(f.breaker.state() == CircuitState::kOpen);
    auto refused = f.breaker.admit();
    CHECK_FALSE(refused);
    CHECK(refused.retry_after == 60s);
  }
}

TEST_CASE("A trial dropped without a result frees its slot", "[unit][resilience]") {
  Fixture f;
  f.open();
  f.clock.advance(60s);
  {
    std::vector<CircuitBreaker::Permit> trials;
    for (int i = 0; i < 5; ++i) trials.push_back(std::move(*f.breaker.admit().permit));
    CHECK_FALSE(f.breaker.admit());
  }  // the callers gave up
  CHECK(f.breaker.state() == CircuitState::kHalfOpen);
  calls(f.breaker, 5, true);
  CHECK(f.breaker.state() == CircuitState::kClosed);
}

TEST_CASE("Calls admitted before the circuit opened do not decide its half-open trials",
          "[unit][resilience]") {
  Fixture f;
  auto slow = f.breaker.admit();  // a call still in flight while the others fail
  REQUIRE(slow);
  f.open();
  f.clock.advance(60s);
  auto trial = f.breaker.admit();
  REQUIRE(trial);
  slow.permit->failed();
  CHECK(f.breaker.state() == CircuitState::kHalfOpen);
  trial.permit->succeeded();
  calls(f.breaker, 4, true);
  CHECK(f.breaker.state() == CircuitState::kClosed);
}

TEST_CASE("A clock that goes back neither closes nor reopens a circuit by itself", "[unit][resilience]") {
  Fixture f;
  f.open();
  f.clock.advance(-10min);
  const auto refused = f.breaker.admit();
  CHECK_FALSE(refused);
  CHECK(refused.retry_after == 60s);
  CHECK(f.breaker.state() == CircuitState::kOpen);
}

TEST_CASE("The breaker takes calls from many threads at once", "[unit][resilience]") {
  ManualClock clock;
  CircuitBreakerOptions options;
  options.min_calls = 1000;
  CircuitBreaker breaker(options, clock);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        auto admission = breaker.admit();
        if (!admission) continue;
        ++admitted;
        // Every fourth call of every thread fails: about 25 % at any moment, below the 30 % that opens.
        if (i % 4 == 0) {
          admission.permit->failed();
        } else {
          admission.permit->succeeded();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(admitted == 8000);
  CHECK(breaker.state() == CircuitState::kClosed);
}

TEST_CASE("Breaker options that cannot work are refused", "[unit][resilience]") {
  ManualClock clock;
  auto with = [](auto change) {
    CircuitBreakerOptions options;
    change(options);
    return options;
  };
  CHECK_THROWS_AS(CircuitBreaker(with([](auto& o) { o.window = 0ms; }), clock), std::invalid_argument);
  CHECK_THROWS_AS(CircuitBreaker(with([](auto& o) { o.min_calls = 0; }), clock), std::invalid_argument);
  CHECK_THROWS_AS(CircuitBreaker(with([](auto& o) { o.failure_rate = 0.0; }), clock), std::invalid_argument);
  CHECK_THROWS_AS(CircuitBreaker(with([](auto& o) { o.failure_rate = 1.5; }), clock), std::invalid_argument);
  CHECK_THROWS_AS(CircuitBreaker(with([](auto& o) { o.open_for = 0ms; }), clock), std::invalid_argument);
  CHECK_THROWS_AS(CircuitBreaker(with([](auto& o) { o.trial_calls = 0; }), clock), std::invalid_argument);
}
