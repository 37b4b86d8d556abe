#include "shop/infra/db/tx.hpp"

#include "connection.hpp"
#include "pg_result.hpp"

#include "shop/infra/db/errors.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>

#include <memory>
#include <optional>

namespace shop::infra::db {
namespace {

constexpr Statement kBegin{"db.begin", "BEGIN"};
constexpr Statement kCommit{"db.commit", "COMMIT"};
constexpr Statement kSavepoint{"db.savepoint", "SAVEPOINT nested"};
constexpr Statement kReleaseSavepoint{"db.release_savepoint", "RELEASE SAVEPOINT nested"};
constexpr Statement kRollbackToSavepoint{"db.rollback_to_savepoint", "ROLLBACK TO SAVEPOINT nested"};

// The statement prepared on this connection under its name (PQprepare the first time).
const StatementCatalog::Entry& prepared(Connection& c, const Statement& statement) {
  PGconn* conn = c.raw();
  auto known = c.prepared.find(std::string(statement.name));
  if (known == c.prepared.end() || known->second->sql != statement.sql) {
    const auto& entry = c.catalog->entry(statement);  // throws for a clash of names
    PQclear(checked(conn, PQprepare(conn, entry.name.c_str(), entry.sql.c_str(), 0, nullptr), entry.name));
    known = c.prepared.insert_or_assign(entry.name, &entry).first;
  }
  return *known->second;
}

// Leaves pipeline mode however the round trip ended. A connection that cannot (its results were
// not all read, because it failed midway) is of no further use, and the pool drops it.
class Pipeline {
 public:
  explicit Pipeline(Connection& c) : c_(c), conn_(c.raw()) {
    if (PQenterPipelineMode(conn_) != 1) throw_connection_error(conn_, "pipeline");
  }
  ~Pipeline() {
    if (PQpipelineStatus(conn_) != PQ_PIPELINE_OFF && PQexitPipelineMode(conn_) != 1) c_.abandoned = true;
  }
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

 private:
  Connection& c_;
  PGconn* conn_;
};

// The next command's result in a pipeline, and the NULL that ends it.
PGresult* next_result(PGconn* conn, std::string_view statement) {
  PGresult* result = PQgetResult(conn);
  if (result == nullptr) throw_connection_error(conn, statement);
  while (PGresult* extra = PQgetResult(conn)) PQclear(extra);
  return result;
}

}  // namespace

pg_conn* Connection::raw() const {
  // static_cast: every session here is PostgreSQL, and SOCI does not export the typeinfo dynamic_cast needs.
  auto* backend = static_cast<soci::postgresql_session_backend*>(sql->get_backend());
  return backend == nullptr ? nullptr : backend->conn_;
}

bool Connection::broken() const {
  PGconn* conn = raw();
  return abandoned || conn == nullptr || PQstatus(conn) != CONNECTION_OK;
}

// BEGIN waits for the first statement, so that it costs no round trip of its own.
Tx::Tx(Connection& connection) : connection_(connection) {
  deferred_.push_back({kBegin, {}});
}

Rows Tx::run(const Statement& statement, std::span<const Param> params) {
  if (!deferred_.empty()) return send_deferred(&statement, params);
  Connection& c = connection_;
  PGconn* conn = c.raw();
  const auto& entry = prepared(c, statement);
  const auto values = parameter_values(statement.name, params);
  StatementTimer timer(entry);
  Rows rows(checked(conn,
                    PQexecPrepared(conn, entry.name.c_str(), static_cast<int>(values.size()), values.data(),
                                   nullptr, nullptr, 0),
                    statement.name));
  answered_ = true;
  return rows;
}

// One Sync for the lot: after an error the server skips the rest, so the first error is the one
// reported. libpq runs a pipeline in blocking mode safely here because everything is sent before
// any result is read, and the results that could fill the socket meanwhile (those of deferred
// statements) are a few bytes each.
Rows Tx::send_deferred(const Statement* last, std::span<const Param> params) {
  if (deferred_.empty() && last == nullptr) return {};
  Connection& c = connection_;
  PGconn* conn = c.raw();
  std::vector<const StatementCatalog::Entry*> entries;
  for (const auto& d : deferred_) entries.push_back(&prepared(c, d.statement));
  const StatementCatalog::Entry* last_entry = last != nullptr ? &prepared(c, *last) : nullptr;
  // Each statement's latency runs from the round trip's start to its own result.
  std::vector<std::optional<StatementTimer>> timers(entries.size() + (last != nullptr ? 1 : 0));
  for (std::size_t i = 0; i < timers.size(); ++i)
    timers[i].emplace(i < entries.size() ? *entries[i] : *last_entry);

  Pipeline pipeline(c);
  auto send = [&](const StatementCatalog::Entry& entry, std::string_view name, std::span<const Param> p) {
    const auto values = parameter_values(name, p);
    if (PQsendQueryPrepared(conn, entry.name.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                            nullptr, 0) != 1) {
      throw_connection_error(conn, name);
    }
  };
  for (std::size_t i = 0; i < deferred_.size(); ++i) {
    send(*entries[i], deferred_[i].statement.name, deferred_[i].params);
  }
  if (last != nullptr) send(*last_entry, last->name, params);
  if (PQpipelineSync(conn) != 1) throw_connection_error(conn, "pipeline");
  if (!deferred_.empty() && deferred_.front().statement.name == kBegin.name) open_ = true;

  // Owned until handed to Rows or to checked(), so that a connection failing midway leaks nothing.
  using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;
  Result failed(nullptr, &PQclear);
  std::string failed_name;
  Result answer(nullptr, &PQclear);
  const std::size_t count = deferred_.size() + (last != nullptr ? 1 : 0);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view name = i < deferred_.size() ? deferred_[i].statement.name : last->name;
    Result result(next_result(conn, name), &PQclear);
    timers[i].reset();
    const auto status = PQresultStatus(result.get());
    if (!failed && status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK &&
        status != PGRES_PIPELINE_ABORTED) {
      failed = std::move(result);
      failed_name = name;
    } else if (i + 1 == count && last != nullptr && !failed) {
      answer = std::move(result);
    }
  }
  const Result sync(PQgetResult(conn), &PQclear);
  const bool synced = sync && PQresultStatus(sync.get()) == PGRES_PIPELINE_SYNC;
  answered_ = true;
  deferred_.clear();
  if (failed) {
    if (failed_name == kCommit.name) open_ = false;  // a COMMIT that fails ends the transaction
    checked(conn, failed.release(), failed_name);    // throws
  }
  if (!synced || PQexitPipelineMode(conn) != 1) throw_connection_error(conn, "pipeline");
  // COMMIT of a transaction an earlier error aborted answers ROLLBACK, not an error.
  if (last == &kCommit && std::string_view(PQcmdStatus(answer.get())) == "ROLLBACK") {
    open_ = false;
    throw DbError(kCommit.name, "the transaction was rolled back by an earlier error", "25P02");
  }
  return answer ? Rows(answer.release()) : Rows();
}

void Tx::use_generic_plans() {
  static constexpr Statement kGenericPlans{
      "db.use_generic_plans", "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)"};
  defer(kGenericPlans);
}

void Tx::savepoint() {
  defer(kSavepoint);
}

// Sent at once, with what the part deferred: an error of theirs belongs to the part, not to
// whatever statement runs next.
void Tx::release_savepoint() {
  exec(kReleaseSavepoint);
}

// What the failed part deferred is dropped unsent; if that includes the SAVEPOINT itself, nothing of
// the part reached the server and there is nothing to roll back.
void Tx::rollback_to_savepoint() {
  for (std::size_t i = deferred_.size(); i-- > 0;) {
    if (deferred_[i].statement.name == kSavepoint.name) {
      deferred_.resize(i);
      return;
    }
  }
  deferred_.clear();
  exec(kRollbackToSavepoint);
}

void Tx::commit() {
  if (!open_ && deferred_.size() == 1) {  // nothing but BEGIN: nothing to commit
    deferred_.clear();
    return;
  }
  // If a deferred statement fails, COMMIT is skipped and the transaction stays open (aborted) for
  // rollback(); if COMMIT itself fails, the server has already ended it and ROLLBACK is a no-op.
  commit_sent_ = true;
  send_deferred(&kCommit, {});
  open_ = false;
}

void Tx::rollback() noexcept {
  deferred_.clear();
  if (!open_) return;
  open_ = false;
  PGconn* conn = connection_.raw();
  if (conn == nullptr) return;
  if (PQpipelineStatus(conn) != PQ_PIPELINE_OFF) return;  // broken mid-pipeline: dropped by the pool
  PQclear(PQexec(conn, "ROLLBACK"));
}

void execute_script(Tx& tx, std::string_view sql) {
  tx.send_deferred(nullptr, {});
  PGconn* conn = tx.connection_.raw();
  PQclear(checked(conn, PQexec(conn, std::string(sql).c_str()), "migration script"));
}

}  // namespace shop::infra::db
