#pragma once

#include <chrono>
#include <thread>

namespace shop::test {

// Polls `condition` until it holds or `timeout` passes; returns its last answer. For effects that
// follow a response (metrics, access-log lines), never for timing claims.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace shop::test
