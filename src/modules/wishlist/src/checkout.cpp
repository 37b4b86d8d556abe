#include "checkout.hpp"

#include "wishlist.hpp"

#include <algorithm>

namespace shop::wishlist {
namespace {

using infra::domain::fail;
using Reason = CheckoutRefused::Reason;

constexpr infra::db::Statement kRemoveOrdered{
    "wishlist.remove_ordered",
    "DELETE FROM wishlist.items WHERE user_id = $1 AND product_id = ANY($2::uuid[])"};

}  // namespace

infra::domain::Outcome<order::Order, CheckoutRefused> checkout(const WishlistContext& ctx, infra::db::Tx& tx,
                                                               const CheckoutRequest& request) {
  lock_wishlist(tx, request.customer_id);
  const auto wishlist = read(ctx, tx, request.customer_id);
  order::PlaceOrder place{.customer_id = request.customer_id, .address_id = request.address_id, .items = {}};
  // Which request entry each order line came from, so a refusal names the caller's own field.
  std::vector<std::size_t> source;
  const auto add = [&](const Item& item, std::size_t from) {
    const auto same = [&](const order::OrderLineRequest& l) { return l.product_id == item.product_id; };
    if (std::ranges::any_of(place.items, same)) return;  // listed twice: ordered once
    place.items.push_back({item.product_id, item.quantity});
    source.push_back(from);
  };
  if (request.product_ids) {
    for (std::size_t i = 0; i < request.product_ids->size(); ++i) {
      const auto& id = (*request.product_ids)[i];
      const auto found = std::ranges::find(wishlist.items, id, &Item::product_id);
      if (found == wishlist.items.end()) return fail(CheckoutRefused{Reason::kNotInWishlist, i});
      add(*found, i);
    }
  } else {
    for (std::size_t i = 0; i < wishlist.items.size(); ++i) add(wishlist.items[i], i);
  }
  if (place.items.empty()) return fail(CheckoutRefused{Reason::kEmpty});

  auto placed = ctx.orders.place(tx, place);
  if (!placed) {
    auto refused = placed.error();
    if (refused.line) refused.line = source.at(*refused.line);
    return fail(CheckoutRefused{Reason::kOrder, 0, std::move(refused)});
  }
  std::vector<std::string> ordered;
  for (const auto& line : place.items) ordered.push_back(line.product_id);
  tx.defer(kRemoveOrdered, request.customer_id, ordered);
  return std::move(*placed);
}

}  // namespace shop::wishlist
