#include "products.hpp"

#include "change_announcements.hpp"
#include "stock.hpp"

#include "shop/infra/crypto/random.hpp"
#include "shop/infra/domain/uuid.hpp"

namespace shop::catalog {
namespace {

using infra::db::Statement;
using infra::db::Tx;
using infra::domain::Done;
using infra::domain::fail;
using infra::domain::Outcome;

constexpr Statement kInsert{
    "catalog.insert_product",
    "INSERT INTO catalog.products AS p (id, seller_id, name, description, price, category, image_urls,"
    " sale_opens_at, purchase_limit, on_hand, created_at, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10, $11, $11)"
    " ON CONFLICT (id) DO NOTHING RETURNING " CATALOG_PRODUCT_COLUMNS};
constexpr Statement kLockLive{"catalog.lock_product",
                              "SELECT " CATALOG_PRODUCT_COLUMNS
                              " FROM catalog.products p WHERE p.id = $1 AND p.deleted_at IS NULL FOR UPDATE"};
constexpr Statement kUpdate{
    "catalog.update_product",
    "UPDATE catalog.products AS p SET name = $2, description = $3, price = $4, category = $5,"
    " image_urls = $6::text[], sale_opens_at = $7, purchase_limit = $8, updated_at = $9"
    " WHERE p.id = $1 RETURNING " CATALOG_PRODUCT_COLUMNS};
constexpr Statement kSoftDelete{"catalog.delete_product",
                                "UPDATE catalog.products SET deleted_at = $2, updated_at = $2 WHERE id = $1"};

constexpr std::string_view kInitialStock = "initial stock";

template <class T>
void apply_change(const std::optional<T>& change, T& field) {
  if (change) field = *change;
}

}  // namespace

std::optional<Product> insert_product(const CatalogContext& ctx, Tx& tx, const std::string& id,
                                      const std::string& seller_id, const NewProduct& f) {
  const auto now = ctx.clock.now();
  const auto row = tx.query(kInsert, id, seller_id, f.name, f.description, f.price, f.category, f.image_urls,
                            f.sale_opens_at, f.purchase_limit, f.stock, now)
                       .first();
  if (!row) return std::nullopt;
  auto product = product_from_row(*row);
  if (f.stock > 0) {
    record_adjustment(tx, id, seller_id, f.stock, std::string(kInitialStock), f.stock, now);
  }
  announce_product_change(tx, product, "created");
  return product;
}

boost::asio::awaitable<Product> create_product(CatalogContext& ctx, std::string seller_id,
                                               NewProduct fields) {
  const auto id = infra::crypto::random_uuid();
  auto insert = [&](Tx& tx) { return *insert_product(ctx, tx, id, seller_id, fields); };
  auto product = co_await ctx.db.transact(insert);
  ctx.storefront.product_changed(product.id);
  co_return product;
}

Outcome<Product, ChangeRefused> product_to_change(Tx& tx, const Actor& actor, const std::string& id) {
  if (!infra::domain::is_uuid(id)) return fail(ChangeRefused::kNotFound);
  const auto row = tx.query(kLockLive, id).first();
  if (!row) return fail(ChangeRefused::kNotFound);
  auto product = product_from_row(*row);
  if (!actor.may_change(product.seller_id)) return fail(ChangeRefused::kForbidden);
  return product;
}

boost::asio::awaitable<Outcome<Product, ChangeRefused>> change_product(CatalogContext& ctx, Actor actor,
                                                                       std::string id, ProductChange change) {
  auto update = [&](Tx& tx) -> Outcome<Product, ChangeRefused> {
    auto locked = product_to_change(tx, actor, id);
    if (!locked) return locked;
    auto p = std::move(locked).value();
    apply_change(change.name, p.name);
    apply_change(change.description, p.description);
    apply_change(change.price, p.price);
    apply_change(change.category, p.category);
    apply_change(change.image_urls, p.image_urls);
    apply_change(change.sale_opens_at, p.sale_opens_at);
    apply_change(change.purchase_limit, p.purchase_limit);
    auto updated =
        product_from_row(tx.query(kUpdate, p.id, p.name, p.description, p.price, p.category, p.image_urls,
                                  p.sale_opens_at, p.purchase_limit, ctx.clock.now())[0]);
    announce_product_change(tx, updated, "updated");
    return updated;
  };
  auto changed = co_await ctx.db.transact(update);
  if (changed) ctx.storefront.product_changed(id);
  co_return changed;
}

boost::asio::awaitable<Outcome<Done, ChangeRefused>> delete_product(CatalogContext& ctx, Actor actor,
                                                                    std::string id) {
  auto remove = [&](Tx& tx) -> Outcome<Done, ChangeRefused> {
    const auto locked = product_to_change(tx, actor, id);
    if (!locked) return fail(locked.error());
    tx.exec(kSoftDelete, id, ctx.clock.now());
    announce_product_change(tx, *locked, "deleted");
    return Done{};
  };
  auto deleted = co_await ctx.db.transact(remove);
  if (deleted) ctx.storefront.product_changed(id);
  co_return deleted;
}

}  // namespace shop::catalog
