#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/db/rows.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// A product as the catalog stores it, how a row of catalog.products becomes one, and the API's
// JSON of it (API.md, Catalog: Product).
namespace shop::catalog {

struct Product {
  std::string id;
  std::string seller_id;
  std::string name;
  std::string description;
  std::int64_t price = 0;
  std::optional<std::string> category;
  std::vector<std::string> image_urls;
  std::optional<infra::clock::TimePoint> sale_opens_at;
  std::optional<std::int64_t> purchase_limit;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  infra::clock::TimePoint created_at;
  infra::clock::TimePoint updated_at;

  std::int64_t available() const { return on_hand - reserved; }
};

// The columns product_from_row() reads, in its order: `SELECT " CATALOG_PRODUCT_COLUMNS " FROM
// catalog.products p ...`. image_urls comes as a JSON array, which Rows can read as text.
#define CATALOG_PRODUCT_COLUMNS                                                                 \
  "p.id, p.seller_id, p.name, p.description, p.price, p.category, to_json(p.image_urls)::text," \
  " p.sale_opens_at, p.purchase_limit, p.on_hand, p.reserved, p.created_at, p.updated_at"

Product product_from_row(const infra::db::Row& row);

// A UUID in the form PostgreSQL writes it (lower case), so that two spellings of one id are one
// product (for a basket's lines, for a cached page's key). Other text is returned as it is.
std::string canonical_id(std::string_view id);

// {"id","seller_id","name","description","price","stock_available","sale_opens_at","purchase_limit",
//  "category","image_urls","created_at","updated_at"}
boost::json::object to_json(const Product& product);

}  // namespace shop::catalog
