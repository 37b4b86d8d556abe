#pragma once

#include <string>

// Private to infra/db: how a PostgreSQL error becomes one of errors.hpp, shared by the SOCI path and
// the asynchronous libpq path.
namespace shop::infra::db {

// True for SQLSTATEs that mean the server is gone or refusing connections.
bool is_unavailable_state(const std::string& sqlstate);

// Throws Unavailable (if the connection is broken or the state says so), SerializationFailure,
// Conflict or DbError.
[[noreturn]] void throw_for_sqlstate(const std::string& message, const std::string& sqlstate, bool broken);

// libpq's key='value' form of a URI or key=value string; std::invalid_argument if libpq cannot parse it.
std::string to_keyword_conninfo(const std::string& url);

}  // namespace shop::infra::db
