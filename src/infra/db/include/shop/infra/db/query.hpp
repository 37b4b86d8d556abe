#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct pg_result;

// Reads through libpq's asynchronous API, for Database::query: a named statement with `$1` parameters
// and its rows as text.
namespace shop::infra::db {

// Every statement is a named constant next to the code that runs it; the name is also the name it is
// prepared under, so it must be unique per SQL text (a clash is a std::logic_error).
struct Statement {
  std::string_view name;
  std::string_view sql;
};

class QueryResult {
 public:
  explicit QueryResult(pg_result* result);

  int rows() const;
  int columns() const;
  bool is_null(int row, int column) const;
  std::string_view text(int row, int column) const;
  // Throws DbError if the value is NULL or not an integer.
  std::int64_t integer(int row, int column) const;
  // Rows changed by an INSERT, UPDATE or DELETE.
  std::int64_t affected() const;

 private:
  std::shared_ptr<pg_result> result_;
};

}  // namespace shop::infra::db
