#pragma once

#include "product.hpp"

#include "shop/catalog/catalog_events.hpp"
#include "shop/infra/db/tx.hpp"

#include <string_view>

// How a change leaves the catalog, inside the transaction that makes it: an event on the bus for
// other modules, and a NOTIFY that every process's storefront cache hears when (and only if) the
// transaction commits.
namespace shop::catalog {

// The channel the storefronts LISTEN on. A payload is a product id when the product's fields changed
// (its page and every list page are evicted), or the id after "s:" when only its stock did (its page
// is evicted; list pages keep their TTL, so that a busy sale does not empty the list cache on every
// reservation).
#define CATALOG_PRODUCT_CHANNEL "catalog_products"
#define CATALOG_STOCK_PREFIX "s:"
inline constexpr std::string_view kProductChannel = CATALOG_PRODUCT_CHANNEL;
inline constexpr std::string_view kStockPrefix = CATALOG_STOCK_PREFIX;

// ProductChanged and the NOTIFY. change: "created", "updated" or "deleted".
void announce_product_change(infra::db::Tx& tx, const Product& product, std::string_view change);
// StockChanged, and the stock NOTIFY of each product whose available units changed.
void announce_stock_change(infra::db::Tx& tx, const StockChanged& change);

}  // namespace shop::catalog
