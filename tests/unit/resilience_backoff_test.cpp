#include "shop/infra/resilience/backoff.hpp"

#include <catch2/catch.hpp>

using shop::infra::resilience::backoff_delay;
using shop::infra::resilience::BackoffOptions;
using std::chrono_literals::operator""ms;

TEST_CASE("Backoff doubles from 500 ms and keeps half of each step (equal jitter)", "[unit][resilience]") {
  const BackoffOptions options;  // API.md: 500 ms, x2
  // unit_random 0 gives the floor (half the step), values near 1 the whole step.
  CHECK(backoff_delay(options, 1, 0.0) == 250ms);
  CHECK(backoff_delay(options, 1, 0.5) == 375ms);
  CHECK(backoff_delay(options, 1, 0.999999) == 500ms);
  CHECK(backoff_delay(options, 2, 0.0) == 500ms);
  CHECK(backoff_delay(options, 2, 0.999999) == 1'000ms);
  CHECK(backoff_delay(options, 3, 0.0) == 1'000ms);
  CHECK(backoff_delay(options, 3, 0.999999) == 2'000ms);
}

TEST_CASE("Backoff steps stop growing at the cap", "[unit][resilience]") {
  BackoffOptions options;
  options.max = 3'000ms;
  CHECK(backoff_delay(options, 3, 0.999999) == 2'000ms);
  CHECK(backoff_delay(options, 4, 0.0) == 1'500ms);
  CHECK(backoff_delay(options, 4, 0.999999) == 3'000ms);
  CHECK(backoff_delay(options, 40, 0.999999) == 3'000ms);
}

TEST_CASE("Random backoff stays within the step's jitter range", "[unit][resilience]") {
  const BackoffOptions options;
  bool varied = false;
  const auto first = backoff_delay(options, 2);
  for (int i = 0; i < 200; ++i) {
    const auto pause = backoff_delay(options, 2);
    CHECK(pause >= 500ms);
    CHECK(pause <= 1'000ms);
    varied = varied || pause != first;
  }
  CHECK(varied);
}
