#include "stock.hpp"

#include "change_announcements.hpp"
#include "products.hpp"

#include "shop/infra/domain/uuid.hpp"

#include <limits>

namespace shop::catalog {
namespace {

using infra::db::Statement;
using infra::db::Tx;
using infra::domain::fail;
using infra::domain::Outcome;

constexpr Statement kStock{
    "catalog.product_stock",
    "SELECT seller_id, on_hand, reserved FROM catalog.products WHERE id = $1 AND deleted_at IS NULL"};
// The one statement that moves on_hand for a seller: it cannot go below what orders hold.
constexpr Statement kAdjust{"catalog.adjust_stock",
                            "UPDATE catalog.products SET on_hand = on_hand + $2"
                            " WHERE id = $1 AND on_hand + $2 >= reserved RETURNING on_hand, reserved"};
constexpr Statement kRecord{
    "catalog.record_stock_adjustment",
    "INSERT INTO catalog.stock_adjustments (product_id, actor_id, delta, reason, on_hand_after, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6)"};
constexpr Statement kList{"catalog.list_stock_adjustments",
                          "SELECT id, actor_id, delta, reason, on_hand_after, created_at"
                          " FROM catalog.stock_adjustments WHERE product_id = $1 AND id < $2"
                          " ORDER BY id DESC LIMIT $3"};

}  // namespace

void record_adjustment(Tx& tx, const std::string& product_id, const std::string& actor_id, std::int64_t delta,
                       const std::optional<std::string>& reason, std::int64_t on_hand_after,
                       infra::clock::TimePoint at) {
  tx.exec(kRecord, product_id, actor_id, delta, reason, on_hand_after, at);
}

boost::asio::awaitable<std::optional<ProductStock>> stock_of(CatalogContext& ctx, std::string product_id) {
  if (!infra::domain::is_uuid(product_id)) co_return std::nullopt;
  const auto row = (co_await ctx.db.query(kStock, product_id)).first();
  if (!row) co_return std::nullopt;
  co_return ProductStock{row->string(0), {row->integer(1), row->integer(2)}};
}

boost::asio::awaitable<Outcome<StockLevel, ChangeRefused>> adjust_stock(CatalogContext& ctx, Actor actor,
                                                                        std::string product_id,
                                                                        std::int64_t delta,
                                                                        std::optional<std::string> reason) {
  auto adjust = [&](Tx& tx) -> Outcome<StockLevel, ChangeRefused> {
    const auto product = product_to_change(tx, actor, product_id);
    if (!product) return fail(product.error());
    const auto row = tx.query(kAdjust, product_id, delta).first();
    if (!row) return fail(ChangeRefused::kBelowReserved);
    const StockLevel level{row->integer(0), row->integer(1)};
    record_adjustment(tx, product_id, actor.id, delta, reason, level.on_hand, ctx.clock.now());
    announce_stock_change(tx, StockChanged{{product_id}, "adjusted", std::nullopt});
    return level;
  };
  co_return co_await ctx.db.transact(adjust);
}

boost::asio::awaitable<Outcome<AdjustmentPage, ChangeRefused>> list_adjustments(
    CatalogContext& ctx, Actor actor, std::string product_id, std::size_t limit,
    std::optional<std::int64_t> before) {
  const auto stock = co_await stock_of(ctx, product_id);
  if (!stock) co_return fail(ChangeRefused::kNotFound);
  if (!actor.may_change(stock->seller_id)) co_return fail(ChangeRefused::kForbidden);
  const auto rows =
      co_await ctx.db.query(kList, product_id, before.value_or(std::numeric_limits<std::int64_t>::max()),
                            static_cast<std::int64_t>(limit + 1));
  AdjustmentPage page;
  for (const auto row : rows) {
    if (page.items.size() == limit) {
      page.more = true;
      break;
    }
    page.items.push_back(
        {row.integer(0), row.string(1), row.integer(2), row.optional_string(3), row.integer(4), row.time(5)});
  }
  co_return page;
}

}  // namespace shop::catalog
