#pragma once

#include "wishlist_context.hpp"

#include "shop/infra/http/router.hpp"

// The wishlist's HTTP routes, under /api/v1/wishlist: parse, call the domain, map the outcome.
namespace shop::wishlist {

void register_wishlist_routes(infra::http::Router& router, WishlistContext& ctx);

}  // namespace shop::wishlist
