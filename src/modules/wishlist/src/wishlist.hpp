#pragma once

#include "wishlist_context.hpp"

#include "shop/infra/domain/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

// A customer's wishlist. Rows hold only product ids and quantities; names, prices and availability
// come from the catalog each time the list is read, so it always shows what buying would cost. A
// product deleted from the catalog drops out of the list instead of breaking it.
namespace shop::wishlist {

inline constexpr std::int64_t kMaxQuantity = 999;

struct Item {
  std::string product_id;
  std::string name;
  std::int64_t price = 0;
  std::int64_t quantity = 0;
  std::int64_t available = 0;
  std::int64_t line_total() const { return price * quantity; }
};

struct Wishlist {
  std::vector<Item> items;  // in the order they were added
  std::int64_t total() const;
};
// {"items": [{"product_id","name","price","quantity","line_total","available"}], "total"}
boost::json::object to_json(const Wishlist& wishlist);

enum class WishlistRefused {
  kProductNotFound,  // no such product in the catalog, or it is deleted
  kNotInWishlist,
  kFull,  // options.max_items products already
};

// The items with what the catalog says of their products now; deleted products are left out.
Wishlist read(const WishlistContext& ctx, infra::db::Tx& tx, const std::string& user_id);
// Serializes one user's changes to their wishlist until `tx` ends, so that concurrent additions
// cannot pass the cap together and a checkout sees no item come or go.
void lock_wishlist(infra::db::Tx& tx, const std::string& user_id);

boost::asio::awaitable<Wishlist> read_wishlist(WishlistContext& ctx, std::string user_id);
// Adds the product with `quantity`, or sets the quantity of one already there.
boost::asio::awaitable<infra::domain::Outcome<Wishlist, WishlistRefused>> set_item(WishlistContext& ctx,
                                                                                   std::string user_id,
                                                                                   std::string product_id,
                                                                                   std::int64_t quantity);
boost::asio::awaitable<infra::domain::Outcome<infra::domain::Done, WishlistRefused>> remove_item(
    WishlistContext& ctx, std::string user_id, std::string product_id);
void forget_user(infra::db::Tx& tx, std::string_view user_id);

}  // namespace shop::wishlist
