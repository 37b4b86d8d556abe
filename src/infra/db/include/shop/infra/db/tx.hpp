#pragma once

#include "shop/infra/db/rows.hpp"
#include "shop/infra/db/statement.hpp"

#include <cstdint>
#include <span>
#include <vector>

// A unit of work inside an open transaction. Interfaces whose work must be atomic with their
// caller's take a Tx&, so a module never opens a second transaction for it. Statements are prepared
// once per connection and then only executed: each call is one round trip, and what was deferred
// rides along with it.
namespace shop::infra::db {

struct Connection;

class Tx {
 public:
  explicit Tx(Connection& connection);
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

  template <class... P>
  Rows query(const Statement& statement, const P&... params) {
    return run(statement, Params{Param(params)...});
  }
  // For statements without a result: returns the rows changed.
  template <class... P>
  std::int64_t exec(const Statement& statement, const P&... params) {
    return run(statement, Params{Param(params)...}).affected();
  }
  Rows run(const Statement& statement, std::span<const Param> params);

  // For a statement whose result nobody reads (an insert, a NOTIFY, an update whose count does not
  // matter): queued, and sent in the same round trip as the next statement run or the COMMIT
  // (libpq's pipeline mode). Its error fails that statement's call, or the commit, and so the
  // transaction; either way nothing of it commits.
  template <class... P>
  void defer(const Statement& statement, const P&... params) {
    deferred_.push_back({statement, Params{Param(params)...}});
  }

  // Until this transaction ends, every statement runs on its cached generic plan instead of being
  // planned again for its parameters. PostgreSQL keeps re-planning a statement that takes an array
  // (it judges a generic plan by a guessed array length, so it never prefers it), and on a table with
  // many indexes that planning costs more than the statement. Deferred; for statements that look
  // rows up by key, where the generic plan is the one the planner would pick anyway.
  void use_generic_plans();

  // One savepoint at a time, for a part of the transaction that may fail alone: after an error (of a
  // statement, or of the caller's own code) rollback_to_savepoint() undoes that part, including what
  // it deferred, and the transaction goes on.
  void savepoint();
  void release_savepoint();
  void rollback_to_savepoint();

 private:
  friend class Database;
  friend void execute_script(Tx& tx, std::string_view sql);
  struct Deferred {
    Statement statement;
    Params params;
  };
  // Sends what is deferred and then `last` (if any) in one round trip; returns last's rows.
  Rows send_deferred(const Statement* last, std::span<const Param> params);
  // Database's end of the transaction. commit() throws, as a statement would, if it did not commit.
  void commit();
  void rollback() noexcept;
  // A round trip has come back, or COMMIT has gone out: from then on, a lost connection is not
  // retried (Database::run_transaction).
  bool seen_by_server() const { return answered_ || commit_sent_; }

  Connection& connection_;
  std::vector<Deferred> deferred_;  // BEGIN first, until the first round trip
  bool open_ = false;               // BEGIN has gone out and neither COMMIT nor ROLLBACK has
  bool answered_ = false;
  bool commit_sent_ = false;
};

}  // namespace shop::infra::db
