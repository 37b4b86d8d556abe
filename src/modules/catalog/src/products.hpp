#pragma once

#include "catalog_context.hpp"
#include "product.hpp"

#include "shop/infra/domain/outcome.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

// Creating, changing and deleting products. Each change commits with its ProductChanged event and a
// NOTIFY on the catalog's channel, so every process's storefront cache drops the product at commit.
namespace shop::catalog {

struct NewProduct {
  std::string name;
  std::string description;
  std::int64_t price = 0;
  std::int64_t stock = 0;
  std::optional<std::string> category = std::nullopt;
  std::vector<std::string> image_urls = {};
  std::optional<infra::clock::TimePoint> sale_opens_at = std::nullopt;
  std::optional<std::int64_t> purchase_limit = std::nullopt;
};

// A field a PATCH may clear: absent (unchanged), null (cleared) or a new value.
template <class T>
using Clearable = std::optional<std::optional<T>>;

// A PATCH: every field but the stock, each absent to leave it as it is.
struct ProductChange {
  std::optional<std::string> name = std::nullopt;
  std::optional<std::string> description = std::nullopt;
  std::optional<std::int64_t> price = std::nullopt;
  Clearable<std::string> category = std::nullopt;
  std::optional<std::vector<std::string>> image_urls = std::nullopt;
  Clearable<infra::clock::TimePoint> sale_opens_at = std::nullopt;
  Clearable<std::int64_t> purchase_limit = std::nullopt;
};

// The product under `id` id with its initial stock (recorded as the first stock adjustment, by the
// seller), or nullopt if a product has that id already (seed-demo's fixed ids).
std::optional<Product> insert_product(const CatalogContext& ctx, infra::db::Tx& tx, const std::string& id,
                                      const std::string& seller_id, const NewProduct& fields);
boost::asio::awaitable<Product> create_product(CatalogContext& ctx, std::string seller_id, NewProduct fields);

// The live product `id`, locked for the rest of the transaction, if the actor may change it.
infra::domain::Outcome<Product, ChangeRefused> product_to_change(infra::db::Tx& tx, const Actor& actor,
                                                                 const std::string& id);

boost::asio::awaitable<infra::domain::Outcome<Product, ChangeRefused>> change_product(CatalogContext& ctx,
                                                                                      Actor actor,
                                                                                      std::string id,
                                                                                      ProductChange change);
// A soft delete: off the storefront, still held by the orders that reserved it.
boost::asio::awaitable<infra::domain::Outcome<infra::domain::Done, ChangeRefused>> delete_product(
    CatalogContext& ctx, Actor actor, std::string id);

}  // namespace shop::catalog
