#pragma once

#include "shop/wishlist/wishlist_module.hpp"

// What every part of the wishlist works with, built once from WishlistDeps.
namespace shop::wishlist {

struct WishlistContext {
  infra::db::Database& db;
  const infra::clock::Clock& clock;
  const catalog::Catalog& catalog;
  const order::Orders& orders;
  const infra::idempotency::IdempotencyKeys& idempotency;
  WishlistOptions options;
};

}  // namespace shop::wishlist
