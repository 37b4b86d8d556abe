#include "shop/infra/db/database.hpp"

#include "connection.hpp"
#include "pg_result.hpp"
#include "read_pool.hpp"
#include "statement_catalog.hpp"

#include "shop/infra/log/log.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>

#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace shop::infra::db {
namespace {

void backoff(int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  const int base_ms = 2 << attempt;  // 4, 8, 16, ... ms
  std::uniform_int_distribution<int> jitter(0, base_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(base_ms + jitter(rng)));
}

}  // namespace

struct Database::Impl {
  Impl(const DatabaseOptions& db_options, const std::string& db_conninfo, metrics::Registry* metrics,
       exec::WorkerPool& workers)
      : options(db_options),
        conninfo(db_conninfo),
        catalog(metrics),
        idle(db_options.pool_size),
        reads(db_conninfo, db_options.read_pool_size, db_options.statement_timeout, workers, catalog) {}

  std::unique_ptr<Connection> connect();
  std::unique_ptr<Connection> checkout();
  void give_back(std::unique_ptr<Connection> connection);

  const DatabaseOptions& options;
  const std::string& conninfo;
  StatementCatalog catalog;
  std::mutex mutex;
  std::condition_variable available;
  std::vector<std::unique_ptr<Connection>> idle;  // null entries are slots not yet connected
  ReadPool reads;
};

namespace {

// Returns its connection to the pool on scope exit; a broken connection is dropped so that the next
// checkout reconnects.
class Lease {
 public:
  explicit Lease(Database::Impl& pool) : pool_(pool), connection_(pool.checkout()) {}
  ~Lease() {
    if (connection_ && connection_->broken()) connection_.reset();
    pool_.give_back(std::move(connection_));
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Connection& connection() { return *connection_; }
  bool broken() const { return connection_->broken(); }

 private:
  Database::Impl& pool_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace

std::unique_ptr<Connection> Database::Impl::connect() {
  try {
    auto connection = std::make_unique<Connection>();
    connection->sql = std::make_unique<soci::session>(soci::postgresql, conninfo);
    connection->catalog = &catalog;
    *connection->sql << session_setup_sql(options.statement_timeout.count());
    return connection;
  } catch (const soci::soci_error& e) {
    throw Unavailable("", fmt::format("cannot connect to the database: {}", e.what()), "08001");
  }
}

std::unique_ptr<Connection> Database::Impl::checkout() {
  std::unique_ptr<Connection> connection;
  {
    std::unique_lock lock(mutex);
    available.wait(lock, [this] { return !idle.empty(); });
    connection = std::move(idle.back());
    idle.pop_back();
  }
  if (connection) return connection;
  try {
    return connect();
  } catch (...) {
    give_back(nullptr);  // keep the slot: the next checkout tries again
    throw;
  }
}

void Database::Impl::give_back(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard lock(mutex);
    idle.push_back(std::move(connection));
  }
  available.notify_one();
}

Database::Database(DatabaseOptions options, metrics::Registry* metrics)
    : options_(std::move(options)),
      conninfo_(to_keyword_conninfo(options_.url)),
      workers_(options_.pool_size) {
  impl_ = std::make_unique<Impl>(options_, conninfo_, metrics, workers_);
}

// The workers go first: work still queued may hold a lease on the pool.
Database::~Database() {
  workers_.join();
}

boost::asio::awaitable<Rows> Database::query_params(const Statement& statement, Params params) {
  co_return co_await impl_->reads.query(statement, params);
}

std::size_t Database::reads_in_use() const {
  return impl_->reads.in_use();
}

void Database::run_transaction(const std::function<void(Tx&)>& body) {
  for (int attempt = 1;; ++attempt) {
    Lease lease(*impl_);
    Tx tx(lease.connection());
    try {
      body(tx);
      tx.commit();
      return;
    } catch (...) {
      if (!lease.broken()) tx.rollback();
      try {
        throw;
      } catch (const SerializationFailure& e) {
        if (attempt >= options_.max_attempts) throw;
        log::info("db", "retrying transaction",
                  {{"statement", e.statement()}, {"sqlstate", e.sqlstate()}, {"attempt", attempt}});
        backoff(attempt);
      } catch (const Unavailable&) {
        // A connection that died while idle (server restart) fails on the first round trip, which
        // carries BEGIN: unless it also carried COMMIT, nothing of this transaction can have
        // committed, and the work is redone on a fresh connection. Later failures have an unknown
        // outcome.
        if (tx.seen_by_server() || attempt > 1) throw;
      }
    }
  }
}

}  // namespace shop::infra::db
