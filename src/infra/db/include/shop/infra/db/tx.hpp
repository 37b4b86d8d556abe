#pragma once

#include "shop/infra/db/rows.hpp"
#include "shop/infra/db/statement.hpp"

#include <cstdint>
#include <span>

// A unit of work inside an open transaction. Interfaces whose work must be atomic with their
// caller's take a Tx&, so a module never opens a second transaction for it. Statements are prepared
// once per connection and then only executed: each call is one round trip.
namespace shop::infra::db {

struct Connection;

class Tx {
 public:
  explicit Tx(Connection& connection) : connection_(connection) {}
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

  // Until this transaction ends, every statement runs on its cached generic plan instead of being
  // planned again for its parameters. PostgreSQL keeps re-planning a statement that takes an array
  // (it judges a generic plan by a guessed array length, so it never prefers it), and on a table with
  // many indexes that planning costs more than the statement. One round trip; for statements that
  // look rows up by key, where the generic plan is the one the planner would pick anyway.
  void use_generic_plans();

 private:
  friend void execute_script(Tx& tx, std::string_view sql);
  Connection& connection_;
};

}  // namespace shop::infra::db
