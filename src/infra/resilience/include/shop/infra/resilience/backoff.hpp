#pragma once

#include <chrono>

// Pauses between retries of a remote call: exponential, capped, with "equal jitter" (AWS Architecture
// Blog, "Exponential Backoff and Jitter"): half of the exponential step is kept and the other half is
// random. Jitter spreads the retries of many callers that failed together; keeping half guarantees the
// remote side a real pause, which full jitter (anywhere from zero) does not.
namespace shop::infra::resilience {

struct BackoffOptions {
  std::chrono::milliseconds initial{500};  // the step before the first retry
  double multiplier = 2.0;                 // each further retry waits this much longer
  std::chrono::milliseconds max{10'000};   // no step grows beyond this
};

// The pause before retry number `retry` (1: between the first and the second attempt):
// step = min(max, initial * multiplier^(retry - 1)), pause = step / 2 + unit_random * step / 2, where
// unit_random is uniform in [0, 1). Pure, so tests pass the random number.
std::chrono::milliseconds backoff_delay(const BackoffOptions& options, int retry, double unit_random);

// The same with a random number of its own (thread-safe).
std::chrono::milliseconds backoff_delay(const BackoffOptions& options, int retry);

}  // namespace shop::infra::resilience
