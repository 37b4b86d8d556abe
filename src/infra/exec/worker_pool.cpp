#include "shop/infra/exec/worker_pool.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>

namespace shop::infra::exec {

namespace asio = boost::asio;

struct WorkerPool::Impl {
  explicit Impl(std::size_t threads) : pool(threads) {}
  asio::thread_pool pool;
};

WorkerPool::WorkerPool(std::size_t threads) : impl_(std::make_unique<Impl>(threads)), size_(threads) {}

WorkerPool::~WorkerPool() {
  join();
}

void WorkerPool::join() {
  impl_->pool.join();
}

asio::awaitable<void> WorkerPool::run(std::function<void()> work) {
  queued_.fetch_add(1, std::memory_order_relaxed);
  auto initiate = [this, &work](auto handler) {
    asio::post(impl_->pool, [this, &work, handler = std::move(handler)]() mutable {
      queued_.fetch_sub(1, std::memory_order_relaxed);
      running_.fetch_add(1, std::memory_order_relaxed);
      std::exception_ptr error;
      try {
        work();
      } catch (...) {
        error = std::current_exception();
      }
      running_.fetch_sub(1, std::memory_order_relaxed);
      // Resume the coroutine on its own executor (an I/O strand), never on this pool thread.
      auto executor = asio::get_associated_executor(handler);
      asio::post(executor, [handler = std::move(handler), error]() mutable { std::move(handler)(error); });
    });
  };
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr)>(
      initiate, asio::use_awaitable);
}

}  // namespace shop::infra::exec
