#include "product.hpp"

#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/http/json_values.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <cctype>

namespace shop::catalog {
Product product_from_row(const infra::db::Row& row) {
  return {.id = row.string(0),
          .seller_id = row.string(1),
          .name = row.string(2),
          .description = row.string(3),
          .price = row.integer(4),
          .category = row.optional_string(5),
          .image_urls = boost::json::value_to<std::vector<std::string>>(boost::json::parse(row.text(6))),
          .sale_opens_at = row.optional_time(7),
          .purchase_limit = row.optional_integer(8),
          .on_hand = row.integer(9),
          .reserved = row.integer(10),
          .created_at = row.time(11),
          .updated_at = row.time(12)};
}

std::string canonical_id(std::string_view id) {
  std::string out(id);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

boost::json::object to_json(const Product& p) {
  using infra::http::json_or_null;
  using infra::http::time_or_null;
  return {{"id", p.id},
          {"seller_id", p.seller_id},
          {"name", p.name},
          {"description", p.description},
          {"price", p.price},
          {"stock_available", p.available()},
          {"sale_opens_at", time_or_null(p.sale_opens_at)},
          {"purchase_limit", json_or_null(p.purchase_limit)},
          {"category", json_or_null(p.category)},
          {"image_urls", boost::json::value_from(p.image_urls)},
          {"created_at", infra::clock::format_rfc3339(p.created_at)},
          {"updated_at", infra::clock::format_rfc3339(p.updated_at)}};
}

}  // namespace shop::catalog
