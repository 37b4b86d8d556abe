#include "pg_result.hpp"

#include "shop/infra/db/errors.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <stdexcept>

namespace shop::infra::db {
namespace {

bool is_unavailable_state(const std::string& state) {
  // 08: connection exception; 57P01..03: admin/crash shutdown, cannot connect now.
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

std::string describe(std::string_view statement, const std::string& message) {
  std::string text = message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return statement.empty() ? text : fmt::format("{}: {}", statement, text);
}

}  // namespace

DbError::DbError(std::string_view statement, const std::string& message, std::string sqlstate)
    : std::runtime_error(describe(statement, message)),
      statement_(statement),
      sqlstate_(std::move(sqlstate)) {}

void throw_for_sqlstate(std::string_view statement, const std::string& message, const std::string& state,
                        bool broken) {
  if (broken || is_unavailable_state(state)) {
    throw Unavailable(statement, message, state.empty() ? "08006" : state);
  }
  if (state == "40001" || state == "40P01") throw SerializationFailure(statement, message, state);
  if (state == "23505" || state == "23P01") throw Conflict(statement, message, state);
  throw DbError(statement, message, state);
}

pg_result* checked(pg_conn* conn, pg_result* result, std::string_view statement) {
  const auto status = PQresultStatus(result);
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) return result;
  if (result == nullptr) throw_connection_error(conn, statement);
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string sqlstate = state == nullptr ? "" : state;
  const std::string message = PQresultErrorMessage(result);
  PQclear(result);
  throw_for_sqlstate(statement, message, sqlstate, PQstatus(conn) != CONNECTION_OK);
}

void throw_connection_error(pg_conn* conn, std::string_view statement) {
  throw_for_sqlstate(statement, PQerrorMessage(conn), "", PQstatus(conn) != CONNECTION_OK);
}

std::vector<const char*> parameter_values(std::string_view statement, std::span<const Param> params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (params[i].has_nul()) {
      throw DbError(statement, fmt::format("parameter ${} contains a NUL byte", i + 1), "22021");
    }
    values.push_back(params[i].c_str());
  }
  return values;
}

std::string session_setup_sql(long long statement_timeout_ms) {
  return fmt::format(
      "SET client_min_messages = warning; SET statement_timeout = {}; SET TimeZone = 'UTC';"
      " SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET bytea_output = 'hex'",
      statement_timeout_ms);
}

// SOCI mangles URIs ("postgresql://u@h/db" reaches the server as database "db="), so URIs and
// key=value strings alike are handed over as key='value' pairs parsed by libpq itself.
std::string to_keyword_conninfo(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    const std::string message = error == nullptr ? "out of memory" : error;
    PQfreemem(error);
    throw std::invalid_argument("bad database URL: " + message);
  }
  std::string out;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string value;
    for (const char* c = o->val; *c != '\0'; ++c) {
      if (*c == '\'' || *c == '\\') value += '\\';
      value += *c;
    }
    out += fmt::format("{}{}='{}'", out.empty() ? "" : " ", o->keyword, value);
  }
  PQconninfoFree(options);
  return out;
}

}  // namespace shop::infra::db
