#pragma once

#include "catalog_context.hpp"

#include "shop/infra/domain/outcome.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// A product's stock as its seller manages it: units on hand, of which orders hold some reserved.
// Sellers adjust on_hand, never below what is reserved; each adjustment is recorded.
namespace shop::catalog {

struct StockLevel {
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available() const { return on_hand - reserved; }
};

struct ProductStock {
  std::string seller_id;
  StockLevel level;
};

struct Adjustment {
  std::int64_t id = 0;
  std::string actor_id;
  std::int64_t delta = 0;
  std::optional<std::string> reason;
  std::int64_t on_hand_after = 0;
  infra::clock::TimePoint created_at;
};

struct AdjustmentPage {
  std::vector<Adjustment> items;  // newest first
  bool more = false;              // older ones follow
};

// The stock of a live product, now; nullopt if there is none.
boost::asio::awaitable<std::optional<ProductStock>> stock_of(CatalogContext& ctx, std::string product_id);

// Moves on_hand by `delta` in one conditional UPDATE that refuses to go below what is reserved.
boost::asio::awaitable<infra::domain::Outcome<StockLevel, ChangeRefused>> adjust_stock(
    CatalogContext& ctx, Actor actor, std::string product_id, std::int64_t delta,
    std::optional<std::string> reason);

// The product's adjustments, newest first: `limit` of them with ids below `before` (all if none).
boost::asio::awaitable<infra::domain::Outcome<AdjustmentPage, ChangeRefused>> list_adjustments(
    CatalogContext& ctx, Actor actor, std::string product_id, std::size_t limit,
    std::optional<std::int64_t> before);

// Writes one adjustment row (the initial stock of a new product is one too).
void record_adjustment(infra::db::Tx& tx, const std::string& product_id, const std::string& actor_id,
                       std::int64_t delta, const std::optional<std::string>& reason,
                       std::int64_t on_hand_after, infra::clock::TimePoint at);

}  // namespace shop::catalog
