#pragma once

#include "shop/catalog/catalog.hpp"

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/config/settings.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/http/router.hpp"
#include "shop/infra/metrics/registry.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>

// The catalog module's entry point, for src/app and tests only: products and their stock, the
// storefront's routes and cache, and the Catalog interface other modules are given.
namespace shop::catalog {

// The per-process cache of product pages and list pages (README, "The storefront cache").
struct CacheOptions {
  // How old a cached list page may be; it bounds how stale a list's `stock_available` is, since
  // stock changes (every reservation) do not drop list pages. Zero turns the cache off.
  std::chrono::milliseconds ttl{1000};
  // How old a cached product page may be. Every change to a product, its stock included, evicts
  // its page by NOTIFY, so this is only a backstop.
  std::chrono::milliseconds product_ttl{10 * 60 * 1000};
  std::size_t product_bytes = 96u << 20;  // product pages, the oldest unread evicted first
  std::size_t list_bytes = 16u << 20;     // list pages, likewise
};

struct CatalogOptions {
  CacheOptions cache;
};

// The module's configuration keys (catalog.*), for `shopd --help` and the config file.
std::span<const infra::config::Knob> catalog_knobs();
// Reads them; throws ConfigError naming a bad key.
CatalogOptions read_catalog_options(const infra::config::Settings& settings);

struct CatalogDeps {
  infra::db::Database& db;
  const infra::clock::Clock& clock;
  CatalogOptions options;
  // Where the cache reports its size (shopd_catalog_cache_entries, _bytes); may be null.
  infra::metrics::Registry* metrics = nullptr;
};

class CatalogModule {
 public:
  virtual ~CatalogModule() = default;
  virtual const Catalog& catalog() const = 0;
  virtual void register_routes(infra::http::Router& router) = 0;

  // Listens for committed product changes (NOTIFY) from every process; the cache serves only while
  // it listens, and forgets everything whenever the listening connection is lost. For `serve`.
  virtual void start() = 0;
  // Idempotent.
  virtual void stop() = 0;

  // `shopd seed-demo`: a few dozen products with stock for this seller, one of them a limited sale.
  // Their ids are fixed, so a second run creates none. Returns how many it created.
  virtual boost::asio::awaitable<int> seed_demo_products(std::string seller_id) = 0;
};

std::unique_ptr<CatalogModule> make_catalog_module(CatalogDeps deps);

}  // namespace shop::catalog
