#include "shop/infra/db/database.hpp"

#include "read_pool.hpp"
#include "shop/infra/log/log.hpp"
#include "sqlstate.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>

#include <random>
#include <thread>

namespace shop::infra::db {
namespace {

PGconn* raw_connection(soci::session& sql) {
  // static_cast: every session here is PostgreSQL, and SOCI does not export the typeinfo dynamic_cast needs.
  auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
  return backend == nullptr ? nullptr : backend->conn_;
}

bool is_broken(soci::session& sql) {
  PGconn* conn = raw_connection(sql);
  return conn == nullptr || PQstatus(conn) != CONNECTION_OK;
}

// Turns a SOCI error into one of errors.hpp; anything else (a domain exception from the unit of work)
// passes through untouched.
[[noreturn]] void rethrow_classified(std::exception_ptr error, bool broken) {
  try {
    std::rethrow_exception(error);
  } catch (const soci::postgresql_soci_error& e) {
    throw_for_sqlstate(e.what(), e.sqlstate(), broken);
  } catch (const soci::soci_error& e) {
    throw_for_sqlstate(e.what(), broken ? "08006" : "", broken);
  }
}

void backoff(int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  const int base_ms = 2 << attempt;  // 4, 8, 16, ... ms
  std::uniform_int_distribution<int> jitter(0, base_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(base_ms + jitter(rng)));
}

}  // namespace

// Returns its connection to the pool on scope exit; a broken connection is dropped so that the next
// checkout reconnects.
class Database::Lease {
 public:
  explicit Lease(Database& db) : db_(db), connection_(db.checkout()) {}
  ~Lease() {
    if (connection_ && is_broken(*connection_->sql)) connection_.reset();
    db_.give_back(std::move(connection_));
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Connection& connection() { return *connection_; }
  soci::session& sql() { return *connection_->sql; }
  bool broken() { return is_broken(*connection_->sql); }

 private:
  Database& db_;
  std::unique_ptr<Connection> connection_;
};

void Session::execute_script(std::string_view sql) {
  PGconn* conn = raw_connection(*connection_.sql);
  PGresult* result = PQexec(conn, std::string(sql).c_str());
  const auto status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    PQclear(result);
    return;
  }
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string sqlstate = state == nullptr ? "" : state;
  const std::string message = PQresultErrorMessage(result);
  PQclear(result);
  throw_for_sqlstate(message, sqlstate, is_broken(*connection_.sql));
}

Database::Database(DatabaseOptions options)
    : options_(std::move(options)),
      conninfo_(to_keyword_conninfo(options_.url)),
      idle_(options_.pool_size),
      workers_(options_.pool_size),
      reads_(std::make_unique<ReadPool>(conninfo_, options_.read_pool_size, options_.statement_timeout,
                                        workers_)) {}

Database::~Database() {
  workers_.join();
}

boost::asio::awaitable<QueryResult> Database::query_text(const Statement& statement,
                                                         std::vector<std::string> params) {
  co_return co_await reads_->query(statement, params);
}

std::size_t Database::reads_in_use() const {
  return reads_->in_use();
}

std::unique_ptr<Connection> Database::connect() {
  try {
    auto connection = std::make_unique<Connection>();
    connection->sql = std::make_unique<soci::session>(soci::postgresql, conninfo_);
    // Server NOTICEs would go to stderr through libpq; the timeout bounds a runaway statement.
    *connection->sql << fmt::format("SET client_min_messages = warning; SET statement_timeout = {}",
                                    options_.statement_timeout.count());
    return connection;
  } catch (const soci::soci_error& e) {
    throw Unavailable(fmt::format("cannot connect to the database: {}", e.what()), "08001");
  }
}

std::unique_ptr<Connection> Database::checkout() {
  std::unique_ptr<Connection> sql;
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return !idle_.empty(); });
    sql = std::move(idle_.back());
    idle_.pop_back();
  }
  if (sql) return sql;
  try {
    return connect();
  } catch (...) {
    give_back(nullptr);  // keep the slot: the next checkout tries again
    throw;
  }
}

void Database::give_back(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

void Database::run_transaction(const std::function<void(Tx&)>& body) {
  for (int attempt = 1;; ++attempt) {
    Lease lease(*this);
    bool begun = false;
    try {
      lease.sql().begin();
      begun = true;
      Tx tx(lease.connection());
      body(tx);
      lease.sql().commit();
      return;
    } catch (...) {
      const bool broken = lease.broken();
      if (!broken && begun) {
        try {
          lease.sql().rollback();
        } catch (const soci::soci_error&) {
          // The connection is dropped on return if the rollback broke it.
        }
      }
      try {
        rethrow_classified(std::current_exception(), broken);
      } catch (const SerializationFailure& e) {
        if (attempt >= options_.max_attempts) throw;
        log::debug("db", "retrying transaction", {{"sqlstate", e.sqlstate()}, {"attempt", attempt}});
        backoff(attempt);
      } catch (const Unavailable&) {
        // A connection that died while idle (server restart) fails at BEGIN, before anything was
        // sent: retrying on a fresh connection is safe. Later failures have an unknown outcome.
        if (begun || attempt > 1) throw;
      }
    }
  }
}

void Database::run_autocommit(const std::function<void(Session&)>& body) {
  for (int attempt = 1;; ++attempt) {
    Lease lease(*this);
    try {
      Session session(lease.connection());
      body(session);
      return;
    } catch (...) {
      const bool broken = lease.broken();
      try {
        rethrow_classified(std::current_exception(), broken);
      } catch (const Unavailable&) {
        if (!broken || attempt > 1) throw;
      }
    }
  }
}

}  // namespace shop::infra::db
