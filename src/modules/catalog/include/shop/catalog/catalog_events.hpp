#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Facts the catalog publishes, each in the transaction of the change it announces.
namespace shop::catalog {

// A product was created, changed (any field but stock) or deleted.
struct ProductChanged {
  static constexpr std::string_view kType = "catalog.ProductChanged";
  static constexpr int kVersion = 1;
  std::string product_id;
  std::string seller_id;
  std::string change;  // "created", "updated" or "deleted"
};

// The stock of these products changed: a seller's adjustment, or an order's reservation moving.
struct StockChanged {
  static constexpr std::string_view kType = "catalog.StockChanged";
  static constexpr int kVersion = 1;
  std::vector<std::string> product_ids;
  std::string cause;                    // "adjusted", "reserved", "released", "sold" or "restocked"
  std::optional<std::string> order_id;  // for the causes an order has
};

// Inline, so that a subscriber in another module needs only this header.
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const ProductChanged& e) {
  v = {{"product_id", e.product_id}, {"seller_id", e.seller_id}, {"change", e.change}};
}

inline ProductChanged tag_invoke(boost::json::value_to_tag<ProductChanged>, const boost::json::value& v) {
  return {boost::json::value_to<std::string>(v.at("product_id")),
          boost::json::value_to<std::string>(v.at("seller_id")),
          boost::json::value_to<std::string>(v.at("change"))};
}

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const StockChanged& e) {
  v = {{"product_ids", boost::json::value_from(e.product_ids)},
       {"cause", e.cause},
       {"order_id", e.order_id ? boost::json::value(*e.order_id) : boost::json::value(nullptr)}};
}

inline StockChanged tag_invoke(boost::json::value_to_tag<StockChanged>, const boost::json::value& v) {
  const auto& order = v.at("order_id");
  return {boost::json::value_to<std::vector<std::string>>(v.at("product_ids")),
          boost::json::value_to<std::string>(v.at("cause")),
          order.is_null() ? std::nullopt : std::optional(boost::json::value_to<std::string>(order))};
}

}  // namespace shop::catalog
