#pragma once

#include "product.hpp"

#include "shop/catalog/catalog_events.hpp"
#include "shop/infra/db/tx.hpp"

#include <string_view>

// How a change leaves the catalog, inside the transaction that makes it: an event on the bus for
// other modules, and for a product's fields a NOTIFY that every process's storefront cache hears
// when (and only if) the transaction commits.
namespace shop::catalog {

// The channel the storefronts LISTEN on; each notification's payload is a product id.
#define CATALOG_PRODUCT_CHANNEL "catalog_products"
inline constexpr std::string_view kProductChannel = CATALOG_PRODUCT_CHANNEL;

// ProductChanged and the NOTIFY. change: "created", "updated" or "deleted".
void announce_product_change(infra::db::Tx& tx, const Product& product, std::string_view change);
// StockChanged. Stock is not NOTIFYed: caches bound its staleness by their TTL instead, so that a
// busy sale does not evict its product on every reservation.
void announce_stock_change(infra::db::Tx& tx, const StockChanged& change);

}  // namespace shop::catalog
