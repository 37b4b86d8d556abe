#include "wishlist.hpp"

#include "shop/infra/domain/uuid.hpp"

#include <unordered_map>

namespace shop::wishlist {
namespace {

using infra::db::Statement;
using infra::db::Tx;
using infra::domain::Done;
using infra::domain::fail;
using infra::domain::Outcome;

constexpr Statement kItems{"wishlist.items",
                           "SELECT product_id, quantity FROM wishlist.items WHERE user_id = $1"
                           " ORDER BY added_at, product_id"};
// One user's changes one after another, so that concurrent additions cannot pass the cap together.
constexpr Statement kLockUser{"wishlist.lock_user",
                              "SELECT pg_advisory_xact_lock(hashtextextended('wishlist:' || $1, 0))"};
constexpr Statement kCount{"wishlist.count_items",
                           "SELECT count(*), count(*) FILTER (WHERE product_id = $2::uuid)"
                           " FROM wishlist.items WHERE user_id = $1"};
constexpr Statement kUpsert{"wishlist.set_item",
                            "INSERT INTO wishlist.items (user_id, product_id, quantity, added_at, updated_at)"
                            " VALUES ($1, $2, $3, $4, $4) ON CONFLICT (user_id, product_id)"
                            " DO UPDATE SET quantity = EXCLUDED.quantity, updated_at = EXCLUDED.updated_at"};
constexpr Statement kRemove{"wishlist.remove_item",
                            "DELETE FROM wishlist.items WHERE user_id = $1 AND product_id = $2"};
constexpr Statement kForget{"wishlist.forget_user", "DELETE FROM wishlist.items WHERE user_id = $1"};

}  // namespace

Wishlist read(const WishlistContext& ctx, Tx& tx, const std::string& user_id) {
  const auto rows = tx.query(kItems, user_id);
  std::vector<std::string> ids;
  for (const auto row : rows) ids.push_back(row.string(0));
  std::unordered_map<std::string, catalog::ProductSummary> products;
  for (auto& p : ctx.catalog.products(tx, ids)) {
    if (!p.deleted) products.emplace(p.id, std::move(p));
  }
  Wishlist wishlist;
  for (const auto row : rows) {
    const auto found = products.find(row.string(0));
    if (found == products.end()) continue;
    const auto& p = found->second;
    wishlist.items.push_back({p.id, p.name, p.price, row.integer(1), p.available});
  }
  return wishlist;
}

void lock_wishlist(Tx& tx, const std::string& user_id) {
  tx.defer(kLockUser, user_id);
}

std::int64_t Wishlist::total() const {
  std::int64_t sum = 0;
  for (const auto& item : items) sum += item.line_total();
  return sum;
}

boost::json::object to_json(const Wishlist& wishlist) {
  boost::json::array items;
  for (const auto& i : wishlist.items) {
    items.push_back({{"product_id", i.product_id},
                     {"name", i.name},
                     {"price", i.price},
                     {"quantity", i.quantity},
                     {"line_total", i.line_total()},
                     {"available", i.available}});
  }
  return {{"items", std::move(items)}, {"total", wishlist.total()}};
}

boost::asio::awaitable<Wishlist> read_wishlist(WishlistContext& ctx, std::string user_id) {
  auto list = [&](Tx& tx) { return read(ctx, tx, user_id); };
  co_return co_await ctx.db.transact(list);
}

boost::asio::awaitable<Outcome<Wishlist, WishlistRefused>> set_item(WishlistContext& ctx, std::string user_id,
                                                                    std::string product_id,
                                                                    std::int64_t quantity) {
  if (!infra::domain::is_uuid(product_id)) co_return fail(WishlistRefused::kProductNotFound);
  auto set = [&](Tx& tx) -> Outcome<Wishlist, WishlistRefused> {
    const std::string ids[] = {product_id};
    const auto found = ctx.catalog.products(tx, ids);
    if (found.empty() || found.front().deleted) return fail(WishlistRefused::kProductNotFound);
    lock_wishlist(tx, user_id);
    const auto counted = tx.query(kCount, user_id, product_id)[0];
    const bool present = counted.integer(1) > 0;
    if (!present && counted.integer(0) >= static_cast<std::int64_t>(ctx.options.max_items)) {
      return fail(WishlistRefused::kFull);
    }
    tx.exec(kUpsert, user_id, product_id, quantity, ctx.clock.now());
    return read(ctx, tx, user_id);
  };
  co_return co_await ctx.db.transact(set);
}

boost::asio::awaitable<Outcome<Done, WishlistRefused>> remove_item(WishlistContext& ctx, std::string user_id,
                                                                   std::string product_id) {
  if (!infra::domain::is_uuid(product_id)) co_return fail(WishlistRefused::kNotInWishlist);
  auto remove = [&](Tx& tx) { return tx.exec(kRemove, user_id, product_id); };
  if (co_await ctx.db.transact(remove) == 0) co_return fail(WishlistRefused::kNotInWishlist);
  co_return Done{};
}

void forget_user(Tx& tx, std::string_view user_id) {
  if (infra::domain::is_uuid(user_id)) tx.exec(kForget, std::string(user_id));
}

}  // namespace shop::wishlist
