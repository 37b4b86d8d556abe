#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

// Database failures, classified by SQLSTATE so that callers can react to the kind, not the text.
// Each names the statement that failed (empty for connecting and transaction control), and its
// what() leads with that name, so every log line of a database error says which statement it was.
namespace shop::infra::db {

class DbError : public std::runtime_error {
 public:
  DbError(std::string_view statement, const std::string& message, std::string sqlstate);
  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& statement() const { return statement_; }

 private:
  std::string statement_;
  std::string sqlstate_;
};

// The database cannot be reached, or the connection broke mid-way (class 08, 57P0x, libpq CONNECTION_BAD).
class Unavailable : public DbError {
 public:
  using DbError::DbError;
};

// A unique or exclusion constraint refused the change (23505, 23P01).
class Conflict : public DbError {
 public:
  using DbError::DbError;
};

// Serialization failure or deadlock (40001, 40P01) that outlasted the transaction's retries.
class SerializationFailure : public DbError {
 public:
  using DbError::DbError;
};

}  // namespace shop::infra::db
