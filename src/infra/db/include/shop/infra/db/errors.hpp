#pragma once

#include <stdexcept>
#include <string>

// Database failures, classified by SQLSTATE so that callers can react to the kind, not the text.
namespace shop::infra::db {

class DbError : public std::runtime_error {
 public:
  DbError(const std::string& what, std::string sqlstate)
      : std::runtime_error(what), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
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
