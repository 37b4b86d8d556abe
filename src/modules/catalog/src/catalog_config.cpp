#include "shop/catalog/catalog_module.hpp"

namespace shop::catalog {
namespace {

using infra::config::Knob;

constexpr Knob kKnobs[] = {
    {"catalog.cache_ttl", "SHOPD_CATALOG_CACHE_TTL", "1s",
     "how long a cached list page is served: the most a list's stock_available can lag (product fields are "
     "evicted by NOTIFY at once); 0 turns the storefront cache off"},
    {"catalog.cache_product_ttl", "SHOPD_CATALOG_CACHE_PRODUCT_TTL", "10m",
     "how long a cached product page is served at most; a backstop, since every change to a product and its "
     "stock evicts its page by NOTIFY"},
    {"catalog.cache_product_mib", "SHOPD_CATALOG_CACHE_PRODUCT_MIB", "96",
     "memory for cached product pages, the oldest unread evicted first"},
    {"catalog.cache_list_mib", "SHOPD_CATALOG_CACHE_LIST_MIB", "16",
     "memory for cached list pages, the oldest unread evicted first"},
};

}  // namespace

std::span<const Knob> catalog_knobs() {
  return kKnobs;
}

CatalogOptions read_catalog_options(const infra::config::Settings& s) {
  CatalogOptions o;
  o.cache.ttl = s.duration("catalog.cache_ttl");
  if (o.cache.ttl > std::chrono::minutes(1)) {
    s.reject("catalog.cache_ttl", "must be at most 1m: it is how stale the storefront's stock may be");
  }
  o.cache.product_ttl = s.duration("catalog.cache_product_ttl", std::chrono::seconds(1));
  if (o.cache.product_ttl > std::chrono::hours(1)) {
    s.reject("catalog.cache_product_ttl", "must be at most 1h");
  }
  const auto mib = [&](std::string_view key) {
    return static_cast<std::size_t>(s.integer(key, 1, 4096)) << 20;
  };
  o.cache.product_bytes = mib("catalog.cache_product_mib");
  o.cache.list_bytes = mib("catalog.cache_list_mib");
  return o;
}

}  // namespace shop::catalog
