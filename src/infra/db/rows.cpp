#include "shop/infra/db/rows.hpp"

#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/db/errors.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <array>
#include <charconv>
#include <cstdint>

namespace shop::infra::db {
namespace {

// Each byte's value as a hex digit, -1 for any other byte.
constexpr std::array<std::int8_t, 256> kHexValues = [] {
  std::array<std::int8_t, 256> values{};
  values.fill(-1);
  for (int i = 0; i < 10; ++i) values['0' + i] = static_cast<std::int8_t>(i);
  for (int i = 0; i < 6; ++i) {
    values['a' + i] = static_cast<std::int8_t>(10 + i);
    values['A' + i] = static_cast<std::int8_t>(10 + i);
  }
  return values;
}();

// bytea's hex output form, "\x" and two digits per byte. Decoded plainly rather than through the
// crypto area's constant-time decoder: the text came from the database in the clear.
std::optional<std::string> decode_bytea(std::string_view text) {
  if (!text.starts_with("\\x") || text.size() % 2 != 0) return std::nullopt;
  const auto* in = reinterpret_cast<const unsigned char*>(text.data()) + 2;
  std::string out((text.size() - 2) / 2, '\0');
  int invalid = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = kHexValues[in[2 * i]];
    const int low = kHexValues[in[2 * i + 1]];
    invalid |= high | low;
    out[i] = static_cast<char>(high << 4 | low);
  }
  if (invalid < 0) return std::nullopt;
  return out;
}

}  // namespace

Rows::Rows(pg_result* result) : result_(result, PQclear) {}

int Rows::size() const {
  return PQntuples(result_.get());
}

std::optional<Row> Rows::first() const {
  if (empty()) return std::nullopt;
  return (*this)[0];
}

std::int64_t Rows::affected() const {
  const std::string_view count = PQcmdTuples(result_.get());
  std::int64_t n = 0;
  std::from_chars(count.data(), count.data() + count.size(), n);
  return n;
}

void Row::fail(int column, std::string_view wanted) const {
  const char* name = PQfname(result_.get(), column);
  throw DbError(
      "",
      fmt::format("column {} ({}) of row {} is not {}", column, name == nullptr ? "?" : name, row_, wanted),
      "");
}

bool Row::is_null(int column) const {
  return PQgetisnull(result_.get(), row_, column) != 0;
}

std::string_view Row::text(int column) const {
  if (column < 0 || column >= PQnfields(result_.get())) fail(column, "a column of the result");
  if (is_null(column)) fail(column, "text but NULL");
  return {PQgetvalue(result_.get(), row_, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row_, column))};
}

std::int64_t Row::integer(int column) const {
  const auto value = text(column);
  std::int64_t n = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc{} || ptr != value.data() + value.size()) fail(column, "an integer");
  return n;
}

bool Row::boolean(int column) const {
  const auto value = text(column);
  if (value == "t") return true;
  if (value == "f") return false;
  fail(column, "a boolean");
}

clock::TimePoint Row::time(int column) const {
  const auto value = text(column);
  if (value == "infinity") return clock::TimePoint::max();
  if (value == "-infinity") return clock::TimePoint::min();
  const auto parsed = clock::parse_iso_timestamp(value);
  if (!parsed) fail(column, "a timestamp with time zone");
  return *parsed;
}

std::string Row::bytes(int column) const {
  const auto value = text(column);
  auto decoded = decode_bytea(value);
  if (!decoded) fail(column, "bytea in hex form");
  return std::move(*decoded);
}

std::optional<std::string> Row::optional_string(int column) const {
  if (is_null(column)) return std::nullopt;
  return string(column);
}

std::optional<std::int64_t> Row::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

std::optional<clock::TimePoint> Row::optional_time(int column) const {
  if (is_null(column)) return std::nullopt;
  return time(column);
}

std::optional<std::string> Row::optional_bytes(int column) const {
  if (is_null(column)) return std::nullopt;
  return bytes(column);
}

}  // namespace shop::infra::db
