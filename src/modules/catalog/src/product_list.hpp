#pragma once

#include "product.hpp"

#include "shop/infra/db/statement.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The storefront's product lists: one prepared statement per shape of query (sort, and which of
// q, seller_id and category filter it), each a keyset walk of an index (migrations/0006). A page
// continues strictly after its cursor's (sort value, id), so inserts never shift it.
namespace shop::catalog {

enum class Sort { kNewest, kPriceAsc, kPriceDesc };
std::optional<Sort> parse_sort(std::string_view text);
std::string_view sort_name(Sort sort);

struct ListQuery {
  Sort sort = Sort::kNewest;
  std::optional<std::string> q = std::nullopt;          // a case-insensitive match anywhere in the name
  std::optional<std::string> seller_id = std::nullopt;  // a UUID
  std::optional<std::string> category = std::nullopt;   // a slug
  std::size_t limit = 20;
  std::optional<std::vector<std::string>> after = std::nullopt;  // the previous page's last sort key
};

// The list a cursor belongs to ("products.newest"): a cursor from one sort is no cursor of another.
std::string cursor_list(Sort sort);
// Whether `key` is a sort key of `sort`: a timestamp or a price, then a product id.
bool valid_sort_key(Sort sort, const std::vector<std::string>& key);
// The sort key of a product, for the cursor of the page it ends.
std::vector<std::string> sort_key(Sort sort, const Product& product);

// The shape of a list query: which statement serves it.
struct ListShape {
  Sort sort = Sort::kNewest;
  bool by_seller = false;
  bool by_category = false;
  bool by_name = false;

  static ListShape of(const ListQuery& query);
};

// The statement of a shape; it reads up to limit + 1 rows, the extra one telling that a next page exists.
const infra::db::Statement& list_statement(ListShape shape);
// Its parameters for a query of that shape.
infra::db::Params list_params(const ListQuery& query);
// Every shape, for the test that checks their plans.
std::vector<ListShape> all_list_shapes();

// A text that tells apart every query the lists answer differently: the key of a cached page.
std::string cache_key(const ListQuery& query);

}  // namespace shop::catalog
