#pragma once

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

// A pool of threads for blocking or CPU-heavy work (SOCI calls, Argon2id). A coroutine awaits the
// work and resumes on its own executor afterwards, so I/O threads never block.
namespace shop::infra::exec {

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `work` on a pool thread; an exception it throws is rethrown in the awaiting coroutine.
  boost::asio::awaitable<void> run(std::function<void()> work);

  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&>> call(F f) {
    using R = std::invoke_result_t<F&>;
    if constexpr (std::is_void_v<R>) {
      co_await run(std::move(f));
    } else {
      std::optional<R> result;
      co_await run([&] { result.emplace(f()); });
      co_return std::move(*result);
    }
  }

  std::size_t size() const { return size_; }
  std::size_t running() const { return running_.load(std::memory_order_relaxed); }
  std::size_t queued() const { return queued_.load(std::memory_order_relaxed); }

  // Finishes queued work and joins the threads. Called by the destructor too.
  void join();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t size_;
  std::atomic<std::size_t> running_{0};
  std::atomic<std::size_t> queued_{0};
};

}  // namespace shop::infra::exec
