#pragma once

#include "shop/infra/db/tx.hpp"
#include "statement_catalog.hpp"

#include <soci/soci.h>

#include <memory>
#include <string>
#include <unordered_map>

struct pg_conn;

// Private to infra/db: one pooled connection for transactions. SOCI owns the session (connecting);
// BEGIN, COMMIT and statements run through libpq on the same connection, prepared once (tx.cpp).
namespace shop::infra::db {

struct Connection {
  std::unique_ptr<soci::session> sql;
  StatementCatalog* catalog = nullptr;
  // Statements prepared on this connection, by name.
  std::unordered_map<std::string, const StatementCatalog::Entry*> prepared;
  // Left in a state libpq cannot resume (a pipeline cut off midway): broken() from now on.
  bool abandoned = false;

  pg_conn* raw() const;
  bool broken() const;
};

// Runs a script of several statements at once (migrations), in the transaction.
void execute_script(Tx& tx, std::string_view sql);

}  // namespace shop::infra::db
