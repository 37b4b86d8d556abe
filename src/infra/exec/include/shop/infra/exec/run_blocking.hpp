#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <optional>
#include <type_traits>
#include <utility>

// Runs a coroutine to completion on the calling thread, for command-line tools and tests that call
// the very code the API runs (`shopd create-admin` creates its account through the user module's
// coroutine). Never on an I/O thread: it blocks until the work is done.
namespace shop::infra::exec {

template <class T>
T run_blocking(boost::asio::awaitable<T> work) {
  boost::asio::io_context io;
  std::optional<std::conditional_t<std::is_void_v<T>, bool, T>> result;
  auto done = boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        if constexpr (std::is_void_v<T>) {
          co_await std::move(work);
          result.emplace(true);
        } else {
          result.emplace(co_await std::move(work));
        }
      },
      boost::asio::use_future);
  io.run();
  done.get();  // rethrows what the work threw
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

}  // namespace shop::infra::exec
