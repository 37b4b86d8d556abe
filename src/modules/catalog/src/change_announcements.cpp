#include "change_announcements.hpp"

#include "shop/infra/events/outbox.hpp"

namespace shop::catalog {
namespace {

constexpr infra::db::Statement kNotify{"catalog.notify_product_changed",
                                       "SELECT pg_notify('" CATALOG_PRODUCT_CHANNEL "', $1)"};
constexpr infra::db::Statement kNotifyStock{
    "catalog.notify_stock_changed", "SELECT pg_notify('" CATALOG_PRODUCT_CHANNEL "', '" CATALOG_STOCK_PREFIX
                                    "' || id)"
                                    " FROM unnest($1::text[]) AS id"};

}  // namespace

void announce_product_change(infra::db::Tx& tx, const Product& product, std::string_view change) {
  infra::events::publish(tx, ProductChanged{product.id, product.seller_id, std::string(change)});
  tx.defer(kNotify, product.id);
}

void announce_stock_change(infra::db::Tx& tx, const StockChanged& change) {
  infra::events::publish(tx, change);
  // A sale takes the units from both on_hand and reserved: what is available stays as it was.
  if (change.cause != "sold") tx.defer(kNotifyStock, change.product_ids);
}

}  // namespace shop::catalog
