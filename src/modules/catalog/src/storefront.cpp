#include "storefront.hpp"

#include "change_announcements.hpp"

#include "shop/infra/domain/uuid.hpp"
#include "shop/infra/http/page.hpp"
#include "shop/infra/log/log.hpp"

#include <boost/json/serialize.hpp>

namespace shop::catalog {
namespace {

constexpr infra::db::Statement kLiveProduct{
    "catalog.live_product",
    "SELECT " CATALOG_PRODUCT_COLUMNS " FROM catalog.products p WHERE p.id = $1 AND p.deleted_at IS NULL"};

}  // namespace

Storefront::Storefront(infra::db::Database& db, const CacheOptions& options)
    : db_(db),
      products_(options.product_bytes, options.product_ttl),
      lists_(options.list_bytes, options.ttl) {}

boost::asio::awaitable<std::optional<std::string>> Storefront::product_page(std::string requested_id) {
  if (!infra::domain::is_uuid(requested_id)) co_return std::nullopt;
  // The key a NOTIFY evicts: the id as the database writes it.
  const auto id = canonical_id(requested_id);
  if (auto cached = products_.find(id)) co_return cached;
  const auto generation = products_.begin_fill();
  const auto row = (co_await db_.query(kLiveProduct, id)).first();
  if (!row) co_return std::nullopt;
  auto body = boost::json::serialize(to_json(product_from_row(*row)));
  if (generation) products_.fill(*generation, id, body);
  co_return body;
}

boost::asio::awaitable<std::string> Storefront::list_page(ListQuery query) {
  auto key = cache_key(query);
  if (auto cached = lists_.find(key)) co_return std::move(*cached);
  const auto generation = lists_.begin_fill();
  const auto rows = co_await db_.query_params(list_statement(ListShape::of(query)), list_params(query));
  boost::json::array items;
  std::optional<std::string> next_cursor;
  std::optional<Product> last;
  for (const auto row : rows) {
    if (items.size() == query.limit) {  // the extra row: a next page follows the last one served
      next_cursor = infra::http::encode_cursor(cursor_list(query.sort), sort_key(query.sort, *last));
      break;
    }
    last = product_from_row(row);
    items.push_back(to_json(*last));
  }
  auto body = boost::json::serialize(infra::http::page_json(std::move(items), next_cursor));
  if (generation) lists_.fill(*generation, std::move(key), body);
  co_return body;
}

void Storefront::product_changed(std::string_view product_id) {
  products_.evict(product_id);
  lists_.clear();
}

void Storefront::register_metrics(infra::metrics::Registry& metrics) const {
  for (const auto& [name, cache] : {std::pair{"products", &products_}, std::pair{"lists", &lists_}}) {
    metrics.gauge("shopd_catalog_cache_entries", "Pages in the storefront cache.", {{"cache", name}},
                  [cache] { return static_cast<double>(cache->size()); });
    metrics.gauge("shopd_catalog_cache_bytes", "Memory the storefront cache counts its pages at.",
                  {{"cache", name}}, [cache] { return static_cast<double>(cache->bytes()); });
  }
}

void Storefront::forget_all() {
  products_.clear();
  lists_.clear();
}

infra::db::ListenerHandlers Storefront::listener_handlers() {
  return {.on_notify =
              [this](std::span<const std::string> payloads) {
                bool fields_changed = false;
                for (std::string_view payload : payloads) {
                  const bool stock_only = payload.starts_with(kStockPrefix);
                  if (stock_only) payload.remove_prefix(kStockPrefix.size());
                  fields_changed = fields_changed || !stock_only;
                  products_.evict(payload);
                }
                if (fields_changed) lists_.clear();
              },
          .on_listening =
              [this] {
                forget_all();
                products_.set_enabled(true);
                lists_.set_enabled(true);
                infra::log::info("catalog", "storefront cache on");
              },
          .on_lost =
              [this] {
                products_.set_enabled(false);
                lists_.set_enabled(false);
                forget_all();
                infra::log::warn("catalog", "storefront cache off until the listener reconnects");
              }};
}

}  // namespace shop::catalog
