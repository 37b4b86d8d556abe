#pragma once

#include "shop/infra/db/rows.hpp"
#include "shop/infra/db/statement.hpp"
#include "shop/infra/exec/worker_pool.hpp"
#include "statement_catalog.hpp"

#include <boost/asio/awaitable.hpp>

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

// Private to infra/db. Connections driven by libpq's asynchronous API on the caller's I/O thread: a
// read costs one round trip and no thread hand-off, which is what makes the hot read paths fast
// (the SOCI path hops to a worker thread and back). Connecting is blocking in libpq, so it runs on
// the worker pool.
namespace shop::infra::db {

class ReadPool {
 public:
  ReadPool(std::string conninfo, std::size_t size, std::chrono::milliseconds statement_timeout,
           exec::WorkerPool& workers, StatementCatalog& catalog);
  ~ReadPool();

  boost::asio::awaitable<Rows> query(const Statement& statement, const Params& params);

  std::size_t size() const { return connections_.size(); }
  std::size_t in_use() const;

 private:
  struct Connection;
  struct Waiter;
  class Lease;

  boost::asio::awaitable<Connection*> acquire();
  void release(Connection* connection);
  boost::asio::awaitable<void> connect(Connection& connection);
  boost::asio::awaitable<Rows> run(Connection& connection, const Statement& statement, const Params& params);

  std::string conninfo_;
  std::chrono::milliseconds statement_timeout_;
  exec::WorkerPool& workers_;
  StatementCatalog& catalog_;
  std::vector<std::unique_ptr<Connection>> connections_;
  mutable std::mutex mutex_;
  std::vector<Connection*> idle_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

}  // namespace shop::infra::db
