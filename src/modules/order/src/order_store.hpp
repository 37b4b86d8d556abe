#pragma once

#include "order_context.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

// Orders as rows: one row per order in orders.orders and one per line in orders.order_lines, the
// shipping address sealed to its order. Lines are written and read a whole set at a time, so an
// order of 1,000 lines costs the same few statements as one of a single line.
namespace shop::order {

void insert_order(const OrderContext& ctx, infra::db::Tx& tx, const Order& order);

std::optional<Order> load_order(const OrderContext& ctx, infra::db::Tx& tx, std::string_view order_id);

// Which orders a list shows: a customer's own, a seller's (with only that seller's lines), or all.
struct OrderFilter {
  enum class Scope { kCustomer, kSeller, kAll } scope = Scope::kCustomer;
  std::string user_id;                                                  // the customer or the seller
  std::optional<OrderStatus> status = std::nullopt;                     // ?status=
  std::optional<infra::clock::TimePoint> after_created = std::nullopt;  // the keyset cursor: strictly older
  std::string after_id = {};                                            // with after_created
  std::size_t limit = 20;
};

// Newest first, at most filter.limit orders.
std::vector<Order> list_orders(const OrderContext& ctx, infra::db::Tx& tx, const OrderFilter& filter);

}  // namespace shop::order
