#pragma once

#include "wishlist_context.hpp"

#include "shop/order/orders.hpp"

#include "shop/infra/domain/outcome.hpp"

#include <optional>
#include <string>
#include <vector>

// Ordering from the wishlist: the chosen items (all by default) become one order placed by the order
// module's rules, and leave the wishlist in the same transaction.
namespace shop::wishlist {

struct CheckoutRequest {
  std::string customer_id;
  std::string address_id;
  std::optional<std::vector<std::string>> product_ids = std::nullopt;  // nullopt: every item
};

struct CheckoutRefused {
  enum class Reason {
    kEmpty,          // nothing to order: the wishlist holds no (live) product
    kNotInWishlist,  // product_ids[index] is not in the wishlist
    kOrder,          // the order module refused the order: `order` says why
  } reason;
  std::size_t index = 0;
  order::PlaceRefused order = {order::PlaceRefused::Reason::kInvalid};
};

// In `tx`, under the wishlist's lock: a refusal leaves the wishlist and the stock as they were.
infra::domain::Outcome<order::Order, CheckoutRefused> checkout(const WishlistContext& ctx, infra::db::Tx& tx,
                                                               const CheckoutRequest& request);

}  // namespace shop::wishlist
