#pragma once

#include "shop/infra/db/errors.hpp"
#include "shop/infra/db/query.hpp"
#include "shop/infra/exec/worker_pool.hpp"

#include <soci/soci.h>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <unordered_map>
#include <vector>

// The one way into PostgreSQL. SOCI is synchronous, so every unit of work runs on the database
// worker pool (one thread per pooled connection) and the awaiting coroutine resumes on its own
// executor. Statements are SOCI's: `session.sql() << kFindProduct, soci::use(id), soci::into(name);`.
namespace shop::infra::db {

// One pooled PostgreSQL connection and the statements prepared on it. The statements are declared
// after the session so that they are destroyed first.
struct Connection {
  std::unique_ptr<soci::session> sql;
  std::unordered_map<std::type_index, std::shared_ptr<void>> prepared;
};

// A pooled connection lent to one unit of work.
class Session {
 public:
  explicit Session(Connection& connection) : connection_(connection) {}
  soci::session& sql() { return *connection_.sql; }
  // Runs a script of several statements at once (migrations); SOCI's `<<` takes only one.
  void execute_script(std::string_view sql);

  // A statement prepared once per connection and executed many times, for hot queries: PostgreSQL
  // then parses and plans it once instead of on every call. Q is constructed from soci::session&
  // and holds the variables it binds, declared before the soci::statement that binds them:
  //   struct FindName {
  //     explicit FindName(soci::session& sql) : st((sql.prepare << kFindName, soci::use(id),
  //     soci::into(name))) {} long long id = 0; std::string name; soci::statement st;
  //   };
  //   auto& q = session.prepared<FindName>(); q.id = 7; if (q.st.execute(true)) use(q.name);
  template <class Q>
  Q& prepared() {
    auto& slot = connection_.prepared[std::type_index(typeid(Q))];
    if (!slot) slot = std::make_shared<Q>(sql());
    return *static_cast<Q*>(slot.get());
  }

 private:
  Connection& connection_;
};

// A Session inside an open transaction. Interfaces whose work must be atomic with their caller's take
// a Tx&, so a module never opens a second transaction for it.
class Tx : public Session {
 public:
  using Session::Session;
};

struct DatabaseOptions {
  std::string url;                 // libpq connection string or URI
  std::size_t pool_size = 8;       // connections, and worker threads
  std::size_t read_pool_size = 4;  // connections for query(), driven from I/O threads
  int max_attempts = 5;            // for serialization failures and deadlocks
  std::chrono::milliseconds statement_timeout{30'000};
};

class Database {
 public:
  // Throws std::invalid_argument for a URL libpq cannot parse; connects lazily, on first use.
  explicit Database(DatabaseOptions options);
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

  // Runs fn(Session&) without a transaction: each statement commits on its own and sees its own
  // snapshot. For single-statement reads and for work that manages its own transactions. fn runs a
  // second time if the first attempt found its connection broken (after a database restart).
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&, Session&>> autocommit(F fn) {
    return workers_.call([this, fn = std::move(fn)]() mutable { return autocommit_blocking(fn); });
  }

  // Runs one prepared statement (`$1`-style parameters, values as text) outside any transaction,
  // through libpq's asynchronous API on the caller's own thread: one round trip, no hand-off to a
  // worker. The path for hot reads; writes that must be atomic with others use transact(). Retried
  // once on a fresh connection if the first one was found broken.
  //   auto rows = co_await db.query(kFindProduct, product_id);  // parameters: strings or integers
  template <class... Params>
  boost::asio::awaitable<QueryResult> query(const Statement& statement, const Params&... params) {
    return query_text(statement, std::vector<std::string>{query_parameter(params)...});
  }

  // The same on the calling thread, for command-line tools and tests; never on an I/O thread.
  template <class F>
  std::invoke_result_t<F&, Tx&> transact_blocking(F& fn) {
    return with_result<std::invoke_result_t<F&, Tx&>, Tx>(fn, [this](auto&& body) { run_transaction(body); });
  }
  template <class F>
  std::invoke_result_t<F&, Session&> autocommit_blocking(F& fn) {
    return with_result<std::invoke_result_t<F&, Session&>, Session>(
        fn, [this](auto&& body) { run_autocommit(body); });
  }

  // The libpq keyword connection string, for the few users that need a connection of their own
  // (a NotificationListener).
  const std::string& conninfo() const { return conninfo_; }
  std::size_t pool_size() const { return options_.pool_size; }
  std::size_t in_use() const { return workers_.running(); }
  std::size_t waiting() const { return workers_.queued(); }
  std::size_t read_pool_size() const { return options_.read_pool_size; }
  std::size_t reads_in_use() const;

 private:
  class Lease;

  template <class R, class S, class F, class Runner>
  static R with_result(F& fn, Runner&& runner) {
    if constexpr (std::is_void_v<R>) {
      runner(std::function<void(S&)>([&](S& s) { fn(s); }));
    } else {
      std::optional<R> result;
      runner(std::function<void(S&)>([&](S& s) { result.emplace(fn(s)); }));
      return std::move(*result);
    }
  }

  static std::string query_parameter(std::string_view text) { return std::string(text); }
  template <class I>
  requires std::is_integral_v<I>
  static std::string query_parameter(I value) { return std::to_string(value); }
  boost::asio::awaitable<QueryResult> query_text(const Statement& statement, std::vector<std::string> params);
  void run_transaction(const std::function<void(Tx&)>& body);
  void run_autocommit(const std::function<void(Session&)>& body);
  std::unique_ptr<Connection> checkout();
  void give_back(std::unique_ptr<Connection> connection);
  std::unique_ptr<Connection> connect();

  DatabaseOptions options_;
  std::string conninfo_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;  // null entries are slots not yet connected
  exec::WorkerPool workers_;
  std::unique_ptr<class ReadPool> reads_;
};

}  // namespace shop::infra::db
