#pragma once

#include "shop/infra/clock/clock.hpp"

#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct pg_result;

// What a statement answers, the same from a transaction and from the read pool: its rows, each
// column read as the C++ type the caller asks for. A column that is NULL or does not convert throws
// DbError naming the column, so a mismatch between SQL and code fails loudly.
namespace shop::infra::db {

class Rows;

class Row {
 public:
  bool is_null(int column) const;
  std::string_view text(int column) const;  // valid while this Row or its Rows live
  std::string string(int column) const { return std::string(text(column)); }
  std::int64_t integer(int column) const;
  bool boolean(int column) const;
  // timestamptz; `infinity` and `-infinity` are TimePoint::max() and min().
  clock::TimePoint time(int column) const;
  // bytea, decoded.
  std::string bytes(int column) const;

  std::optional<std::string> optional_string(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;
  std::optional<clock::TimePoint> optional_time(int column) const;
  std::optional<std::string> optional_bytes(int column) const;

 private:
  friend class Rows;
  // A Row keeps its result alive, so `auto row = tx.query(...).first();` is safe.
  Row(std::shared_ptr<pg_result> result, int row) : result_(std::move(result)), row_(row) {}
  [[noreturn]] void fail(int column, std::string_view wanted) const;

  std::shared_ptr<pg_result> result_;
  int row_;
};

class Rows {
 public:
  Rows() = default;  // no rows
  explicit Rows(pg_result* result);

  int size() const;
  bool empty() const { return size() == 0; }
  Row operator[](int row) const { return Row(result_, row); }
  // The only row of a statement that answers at most one; nullopt for none.
  std::optional<Row> first() const;
  // Rows an INSERT, UPDATE or DELETE changed (with or without RETURNING).
  std::int64_t affected() const;

  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    Iterator(const Rows* rows, int row) : rows_(rows), row_(row) {}
    Row operator*() const { return (*rows_)[row_]; }
    Iterator& operator++() {
      ++row_;
      return *this;
    }
    bool operator==(const Iterator& other) const { return row_ == other.row_; }

   private:
    const Rows* rows_;
    int row_;
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, size()}; }

 private:
  std::shared_ptr<pg_result> result_;
};

}  // namespace shop::infra::db
