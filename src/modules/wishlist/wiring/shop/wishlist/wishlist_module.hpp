#pragma once

#include "shop/catalog/catalog.hpp"
#include "shop/order/orders.hpp"

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/config/settings.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/http/router.hpp"
#include "shop/infra/idempotency/idempotency_keys.hpp"

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

// The wishlist module's entry point, for src/app and tests only: a customer's list of products with
// quantities, priced and checked for availability by the catalog when it is read, and ordered from
// through the order module.
namespace shop::wishlist {

struct WishlistOptions {
  std::size_t max_items = 200;  // products in one wishlist
};

// The module's configuration keys (wishlist.*), for `shopd --help` and the config file.
std::span<const infra::config::Knob> wishlist_knobs();
// Reads them; throws ConfigError naming a bad key.
WishlistOptions read_wishlist_options(const infra::config::Settings& settings);

struct WishlistDeps {
  infra::db::Database& db;
  const infra::clock::Clock& clock;
  const catalog::Catalog& catalog;
  const order::Orders& orders;
  const infra::idempotency::IdempotencyKeys& idempotency;  // POST /wishlist/checkout requires a key
  WishlistOptions options;
};

// The durable name of the subscriber that clears a withdrawn user's wishlist. src/app subscribes
// WishlistModule::forget_user under it to user.UserWithdrawn, so this module needs nothing of the
// user module.
inline constexpr std::string_view kWithdrawnUserSubscriber = "wishlist.withdrawn_user";

class WishlistModule {
 public:
  virtual ~WishlistModule() = default;
  virtual void register_routes(infra::http::Router& router) = 0;
  // Deletes the user's wishlist in the caller's transaction; nothing happens for a user without one.
  virtual void forget_user(infra::db::Tx& tx, std::string_view user_id) const = 0;
};

std::unique_ptr<WishlistModule> make_wishlist_module(WishlistDeps deps);

}  // namespace shop::wishlist
