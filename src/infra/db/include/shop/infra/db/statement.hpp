#pragma once

#include "shop/infra/clock/clock.hpp"

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// What a module hands to the database: a named statement and its parameters. Every SQL statement in
// shopd is a constant of this type next to the code that runs it,
//   constexpr Statement kReserveStock{"catalog.reserve_stock", "UPDATE catalog.products ... $1 ... $2"};
// run in a transaction as `tx.exec(kReserveStock, id, quantity)` or as a single read on the
// asynchronous read pool as `co_await db.query(kProductById, id)`. Parameters are `$1`, `$2`, ... in
// both places. The name is what the log, the retry log and `shopd_db_statement_seconds` show, and
// the name the statement is prepared under on each connection, so it belongs to one SQL text only.
namespace shop::infra::db {

struct Statement {
  std::string_view name;  // "<module>.<what it does>", at most 63 bytes (PostgreSQL's identifier limit)
  std::string_view sql;
};

// A bytea parameter: raw bytes, sent in PostgreSQL's hex form.
struct Bytes {
  std::string_view data;
};

// A bytea[] parameter (`$1::bytea[]`): raw byte strings, such as the blind indexes of one value
// under every key of a ring.
struct BytesArray {
  std::span<const std::string> items;
};

// One parameter, as the text PostgreSQL parses for the parameter's type (inferred from the
// statement, or given by a cast such as `$1::timestamptz`), or NULL.
class Param {
 public:
  Param(std::nullptr_t) {}  // NULL
  Param(std::string_view text) : text_(std::string(text)) {}
  Param(const std::string& text) : text_(text) {}
  Param(const char* text) : text_(std::string(text)) {}
  Param(bool value) : text_(value ? "t" : "f") {}
  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char>) Param(I value) : text_(std::to_string(value)) {}
  // timestamptz, exact to the microsecond.
  Param(clock::TimePoint time);
  // interval, exact to the microsecond.
  template <class Rep, class Period>
  Param(std::chrono::duration<Rep, Period> d)
      : Param(std::chrono::duration_cast<std::chrono::microseconds>(d)) {}
  Param(std::chrono::microseconds interval);
  Param(Bytes bytes);
  Param(BytesArray bytes);
  // Arrays (`$1::text[]`, `$1::bigint[]`), for set-based statements that take many rows at once.
  Param(std::span<const std::string> texts);
  Param(std::span<const std::int64_t> integers);
  Param(const std::vector<std::string>& texts) : Param(std::span<const std::string>(texts)) {}
  Param(const std::vector<std::int64_t>& integers) : Param(std::span<const std::int64_t>(integers)) {}
  template <class T>
  Param(const std::optional<T>& value) : Param(nullptr) {
    if (value) *this = Param(*value);
  }

  bool is_null() const { return !text_; }
  const char* c_str() const { return text_ ? text_->c_str() : nullptr; }
  // libpq takes parameters as C strings, so a NUL byte would silently cut the value short: such a
  // parameter is refused (DbError, SQLSTATE 22021) before it is sent.
  bool has_nul() const { return text_ && text_->find('\0') != std::string::npos; }

 private:
  std::optional<std::string> text_;
};

using Params = std::vector<Param>;

}  // namespace shop::infra::db
