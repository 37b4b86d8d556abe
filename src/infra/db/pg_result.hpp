#pragma once

#include "shop/infra/db/statement.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

// Private to infra/db: how a PostgreSQL result or connection failure becomes one of errors.hpp,
// shared by the transaction path and the asynchronous read path.
namespace shop::infra::db {

// Returns a successful result; frees a failed one and throws for it, naming the statement.
pg_result* checked(pg_conn* conn, pg_result* result, std::string_view statement);

// Throws for the connection's last error (a send that failed, a result that never came).
[[noreturn]] void throw_connection_error(pg_conn* conn, std::string_view statement);

// Throws Unavailable (if the connection is broken or the state says so), SerializationFailure,
// Conflict or DbError.
[[noreturn]] void throw_for_sqlstate(std::string_view statement, const std::string& message,
                                     const std::string& sqlstate, bool broken);

// Throws DbError 22021 for a parameter with a NUL byte (Param::has_nul); returns their C strings.
std::vector<const char*> parameter_values(std::string_view statement, std::span<const Param> params);

// What each new connection runs first: quiet NOTICEs, a statement timeout, and the text forms that
// Row and Param read and write (ISO dates in UTC).
std::string session_setup_sql(long long statement_timeout_ms);

// libpq's key='value' form of a URI or key=value string; std::invalid_argument if libpq cannot parse it.
std::string to_keyword_conninfo(const std::string& url);

}  // namespace shop::infra::db
