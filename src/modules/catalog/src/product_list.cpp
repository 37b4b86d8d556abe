#include "product_list.hpp"

#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/domain/uuid.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdint>

namespace shop::catalog {
namespace {

constexpr std::string_view kMinUuid = "00000000-0000-0000-0000-000000000000";
constexpr std::string_view kMaxUuid = "ffffffff-ffff-ffff-ffff-ffffffffffff";

// How each sort walks its index: after the cursor's (value, id) in the order of the index or
// against it. A first page starts after a key before every product.
struct SortWalk {
  std::string_view name;
  std::string_view after;  // $1, $2: the cursor's key
  std::string_view order_by;
  std::array<std::string_view, 2> first_key;
};
constexpr std::array<SortWalk, 3> kWalks{{
    {"newest",
     "(p.created_at, p.id) < ($1::timestamptz, $2::uuid)",
     "p.created_at DESC, p.id DESC",
     {"infinity", kMaxUuid}},
    {"price_asc", "(p.price, p.id) > ($1::bigint, $2::uuid)", "p.price, p.id", {"0", kMinUuid}},
    {"price_desc",
     "(p.price, p.id) < ($1::bigint, $2::uuid)",
     "p.price DESC, p.id DESC",
     {"9223372036854775807", kMaxUuid}},
}};

const SortWalk& walk(Sort sort) {
  return kWalks[static_cast<std::size_t>(sort)];
}

std::size_t index_of(ListShape s) {
  return static_cast<std::size_t>(s.sort) * 8 + (s.by_seller ? 4 : 0) + (s.by_category ? 2 : 0) +
         (s.by_name ? 1 : 0);
}

ListShape shape_at(std::size_t index) {
  return {static_cast<Sort>(index / 8), (index & 4) != 0, (index & 2) != 0, (index & 1) != 0};
}

constexpr std::size_t kShapes = 3 * 8;

// $1, $2 the cursor's key, $3 the row limit, then the filters in this order.
std::string sql_of(ListShape s) {
  std::string where = fmt::format("p.deleted_at IS NULL AND {}", walk(s.sort).after);
  int n = 3;
  if (s.by_seller) where += fmt::format(" AND p.seller_id = ${}::uuid", ++n);
  if (s.by_category) where += fmt::format(" AND p.category = ${}", ++n);
  if (s.by_name) {
    // The trigram index serves q of three characters or more, the pieces index shorter ones; the
    // length test folds to a constant in the plan, leaving one index condition (migrations/0006).
    where += fmt::format(
        " AND p.name ILIKE catalog.contains_pattern(${0})"
        " AND (char_length(${0}) > 2 OR catalog.name_pieces(p.name) @> catalog.query_pieces(${0}))",
        ++n);
  }
  return fmt::format("SELECT " CATALOG_PRODUCT_COLUMNS
                     " FROM catalog.products p WHERE {} ORDER BY {} LIMIT $3",
                     where, walk(s.sort).order_by);
}

std::string name_of(ListShape s) {
  return fmt::format("catalog.list_{}{}{}{}", walk(s.sort).name, s.by_seller ? "_seller" : "",
                     s.by_category ? "_category" : "", s.by_name ? "_q" : "");
}

// Built once; the Statements view the strings, which never move after.
struct Statements {
  Statements() {
    for (std::size_t i = 0; i < kShapes; ++i) {
      names[i] = name_of(shape_at(i));
      sqls[i] = sql_of(shape_at(i));
      statements[i] = {names[i], sqls[i]};
    }
  }
  std::array<std::string, kShapes> names;
  std::array<std::string, kShapes> sqls;
  std::array<infra::db::Statement, kShapes> statements;
};

bool is_integer(std::string_view text) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::optional<Sort> parse_sort(std::string_view text) {
  for (std::size_t i = 0; i < kWalks.size(); ++i) {
    if (kWalks[i].name == text) return static_cast<Sort>(i);
  }
  return std::nullopt;
}

std::string_view sort_name(Sort sort) {
  return walk(sort).name;
}

std::string cursor_list(Sort sort) {
  return fmt::format("products.{}", sort_name(sort));
}

bool valid_sort_key(Sort sort, const std::vector<std::string>& key) {
  if (key.size() != 2 || !infra::domain::is_uuid(key[1])) return false;
  return sort == Sort::kNewest ? infra::clock::parse_iso_timestamp(key[0]).has_value() : is_integer(key[0]);
}

std::vector<std::string> sort_key(Sort sort, const Product& p) {
  return {sort == Sort::kNewest ? infra::clock::format_rfc3339_micros(p.created_at) : std::to_string(p.price),
          p.id};
}

ListShape ListShape::of(const ListQuery& q) {
  return {q.sort, q.seller_id.has_value(), q.category.has_value(), q.q.has_value()};
}

const infra::db::Statement& list_statement(ListShape shape) {
  static const Statements all;
  return all.statements[index_of(shape)];
}

infra::db::Params list_params(const ListQuery& q) {
  const auto& first = walk(q.sort).first_key;
  infra::db::Params params{q.after ? (*q.after)[0] : std::string(first[0]),
                           q.after ? (*q.after)[1] : std::string(first[1]),
                           static_cast<std::int64_t>(q.limit + 1)};
  if (q.seller_id) params.emplace_back(*q.seller_id);
  if (q.category) params.emplace_back(*q.category);
  if (q.q) params.emplace_back(*q.q);
  return params;
}

std::vector<ListShape> all_list_shapes() {
  std::vector<ListShape> out;
  for (std::size_t i = 0; i < kShapes; ++i) out.push_back(shape_at(i));
  return out;
}

std::string cache_key(const ListQuery& q) {
  // Unit separators cannot occur in any part: the parts are validated single-line texts.
  constexpr char kSep = '\x1f';
  std::string key = fmt::format("{}{}{}", sort_name(q.sort), kSep, q.limit);
  for (const auto* part : {&q.q, &q.seller_id, &q.category}) {
    key += kSep;
    if (*part) key += "=" + **part;
  }
  if (q.after) {
    for (const auto& part : *q.after) key += kSep + part;
  }
  return key;
}

}  // namespace shop::catalog
