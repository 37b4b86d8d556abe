#include "shop/infra/resilience/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace shop::infra::resilience {

std::chrono::milliseconds backoff_delay(const BackoffOptions& options, int retry, double unit_random) {
  const double initial = static_cast<double>(options.initial.count());
  const double cap = static_cast<double>(options.max.count());
  const double step = std::min(cap, initial * std::pow(options.multiplier, std::max(retry - 1, 0)));
  const double pause = step / 2 + std::clamp(unit_random, 0.0, 1.0) * step / 2;
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(std::llround(pause)));
}

std::chrono::milliseconds backoff_delay(const BackoffOptions& options, int retry) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  return backoff_delay(options, retry, unit(rng));
}

}  // namespace shop::infra::resilience
