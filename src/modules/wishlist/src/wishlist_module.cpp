#include "shop/wishlist/wishlist_module.hpp"

#include "wishlist.hpp"
#include "wishlist_routes.hpp"

namespace shop::wishlist {
namespace {

class Module final : public WishlistModule {
 public:
  explicit Module(const WishlistDeps& deps)
      : ctx_{deps.db, deps.clock, deps.catalog, deps.orders, deps.idempotency, deps.options} {}

  void register_routes(infra::http::Router& router) override { register_wishlist_routes(router, ctx_); }

  void forget_user(infra::db::Tx& tx, std::string_view user_id) const override {
    wishlist::forget_user(tx, user_id);
  }

 private:
  WishlistContext ctx_;
};

}  // namespace

std::unique_ptr<WishlistModule> make_wishlist_module(WishlistDeps deps) {
  return std::make_unique<Module>(deps);
}

}  // namespace shop::wishlist
