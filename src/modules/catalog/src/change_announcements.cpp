#include "change_announcements.hpp"

#include "shop/infra/events/outbox.hpp"

namespace shop::catalog {
namespace {

constexpr infra::db::Statement kNotify{"catalog.notify_product_changed",
                                       "SELECT pg_notify('" CATALOG_PRODUCT_CHANNEL "', $1)"};

}  // namespace

void announce_product_change(infra::db::Tx& tx, const Product& product, std::string_view change) {
  infra::events::publish(tx, ProductChanged{product.id, product.seller_id, std::string(change)});
  tx.query(kNotify, product.id);
}

void announce_stock_change(infra::db::Tx& tx, const StockChanged& change) {
  infra::events::publish(tx, change);
}

}  // namespace shop::catalog
