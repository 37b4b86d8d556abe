#pragma once

#include "page_cache.hpp"
#include "product_list.hpp"

#include "shop/catalog/catalog_module.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/db/notification_listener.hpp"
#include "shop/infra/metrics/registry.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>

// The public reads of the catalog, GET /products/{id} and GET /products, answered from the
// per-process caches when they can vouch for them (README, "The storefront cache"):
// - a product's page is evicted when the NOTIFY of a change to it (its fields or its available
//   stock) arrives, so it is never stale once that NOTIFY is delivered; list pages are all dropped
//   on any product's field change;
// - a list page is read again once it is older than the TTL, which bounds how old its
//   stock_available may be; a product page after product_ttl, a backstop only;
// - while the listening connection is down nothing is served from or stored in the caches, and
//   they are emptied both when it breaks and when LISTEN is in effect again.
namespace shop::catalog {

class Storefront {
 public:
  Storefront(infra::db::Database& db, const CacheOptions& options);

  // The JSON of the live product `id`; nullopt if there is none.
  boost::asio::awaitable<std::optional<std::string>> product_page(std::string id);
  // The JSON page {"items", "next_cursor"} of a validated query.
  boost::asio::awaitable<std::string> list_page(ListQuery query);

  // This process committed a change of the product: forget it at once, before its NOTIFY is heard.
  void product_changed(std::string_view product_id);
  // What the caches do when the listener hears something.
  infra::db::ListenerHandlers listener_handlers();

  // shopd_catalog_cache_entries and shopd_catalog_cache_bytes, by cache.
  void register_metrics(infra::metrics::Registry& metrics) const;

 private:
  void forget_all();

  infra::db::Database& db_;
  PageCache products_;
  PageCache lists_;
};

}  // namespace shop::catalog
