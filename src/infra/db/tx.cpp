#include "shop/infra/db/tx.hpp"

#include "connection.hpp"
#include "pg_result.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>

namespace shop::infra::db {

pg_conn* Connection::raw() const {
  // static_cast: every session here is PostgreSQL, and SOCI does not export the typeinfo dynamic_cast needs.
  auto* backend = static_cast<soci::postgresql_session_backend*>(sql->get_backend());
  return backend == nullptr ? nullptr : backend->conn_;
}

bool Connection::broken() const {
  PGconn* conn = raw();
  return conn == nullptr || PQstatus(conn) != CONNECTION_OK;
}

Rows Tx::run(const Statement& statement, std::span<const Param> params) {
  Connection& c = connection_;
  PGconn* conn = c.raw();
  const std::string name(statement.name);
  auto known = c.prepared.find(name);
  if (known == c.prepared.end() || known->second->sql != statement.sql) {
    const auto& entry = c.catalog->entry(statement);  // throws for a clash of names
    PQclear(checked(conn, PQprepare(conn, entry.name.c_str(), entry.sql.c_str(), 0, nullptr), entry.name));
    known = c.prepared.insert_or_assign(name, &entry).first;
  }
  const auto values = parameter_values(statement.name, params);
  StatementTimer timer(*known->second);
  return Rows(checked(
      conn,
      PQexecPrepared(conn, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0),
      statement.name));
}

void Tx::use_generic_plans() {
  static constexpr Statement kGenericPlans{
      "db.use_generic_plans", "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)"};
  query(kGenericPlans);
}

void execute_script(Tx& tx, std::string_view sql) {
  PGconn* conn = tx.connection_.raw();
  PQclear(checked(conn, PQexec(conn, std::string(sql).c_str()), "migration script"));
}

}  // namespace shop::infra::db
