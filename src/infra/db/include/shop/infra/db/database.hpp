#pragma once

#include "shop/infra/db/errors.hpp"
#include "shop/infra/db/rows.hpp"
#include "shop/infra/db/statement.hpp"
#include "shop/infra/db/tx.hpp"
#include "shop/infra/exec/worker_pool.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

namespace shop::infra::metrics {
class Registry;
}

// The one way into PostgreSQL, in two forms that take the same Statement constants:
//   co_await db.transact([&](Tx& tx) { tx.exec(kReserve, id, n); return tx.query(kFind, id); });
//   co_await db.query(kProductById, id);  // one read, no transaction
// Transactions run on the database worker pool (a SOCI session per pooled connection, driven through libpq;
// one thread each) and the awaiting coroutine resumes on its own executor. Single reads run on the read pool
// through libpq's asynchronous API on the caller's own thread: one round trip, no hand-off.
namespace shop::infra::db {

struct DatabaseOptions {
  std::string url;                 // libpq connection string or URI
  std::size_t pool_size = 8;       // connections for transactions, and their worker threads
  std::size_t read_pool_size = 4;  // connections for query(), driven from I/O threads
  int max_attempts = 5;            // for serialization failures and deadlocks
  std::chrono::milliseconds statement_timeout{30'000};
};

class Database {
 public:
  // Throws std::invalid_argument for a URL libpq cannot parse; connects lazily, on first use.
  // With `metrics`, every statement's latency is recorded in shopd_db_statement_seconds by name.
  explicit Database(DatabaseOptions options, metrics::Registry* metrics = nullptr);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs fn(Tx&) in a transaction on the worker pool and returns its result. Serialization failures
  // and deadlocks re-run fn from the start (so fn must have no effects outside the database); other
  // errors roll back and propagate, database ones as the classes of errors.hpp.
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&, Tx&>> transact(F fn) {
    return workers_.call([this, fn = std::move(fn)]() mutable { return transact_blocking(fn); });
  }

  // One statement outside any transaction, on the read pool: the path for hot reads. Writes that
  // must be atomic with others, and anything that must see the primary, use transact(). Retried once
  // on a fresh connection if the first one was found broken.
  template <class... P>
  boost::asio::awaitable<Rows> query(const Statement& statement, const P&... params) {
    return query_params(statement, Params{Param(params)...});
  }
  boost::asio::awaitable<Rows> query_params(const Statement& statement, Params params);

  // transact() on the calling thread, for command-line tools, background threads and tests; never
  // on an I/O thread.
  template <class F>
  std::invoke_result_t<F&, Tx&> transact_blocking(F& fn) {
    using R = std::invoke_result_t<F&, Tx&>;
    if constexpr (std::is_void_v<R>) {
      run_transaction([&](Tx& tx) { fn(tx); });
    } else {
      std::optional<R> result;
      run_transaction([&](Tx& tx) { result.emplace(fn(tx)); });
      return std::move(*result);
    }
  }

  // The libpq keyword connection string, for the few users that need a connection of their own
  // (a NotificationListener).
  const std::string& conninfo() const { return conninfo_; }
  std::size_t pool_size() const { return options_.pool_size; }
  std::size_t in_use() const { return workers_.running(); }
  std::size_t waiting() const { return workers_.queued(); }
  std::size_t read_pool_size() const { return options_.read_pool_size; }
  std::size_t reads_in_use() const;

  // The connection pools, private to infra/db.
  struct Impl;

 private:
  void run_transaction(const std::function<void(Tx&)>& body);

  DatabaseOptions options_;
  std::string conninfo_;
  std::unique_ptr<Impl> impl_;
  exec::WorkerPool workers_;
};

}  // namespace shop::infra::db
