#include "shop/wishlist/wishlist_module.hpp"

namespace shop::wishlist {
namespace {

using infra::config::Knob;

constexpr Knob kKnobs[] = {
    {"wishlist.max_items", "SHOPD_WISHLIST_MAX_ITEMS", "200",
     "products one wishlist may hold (409 wishlist_full beyond)"},
};

}  // namespace

std::span<const Knob> wishlist_knobs() {
  return kKnobs;
}

WishlistOptions read_wishlist_options(const infra::config::Settings& s) {
  return {.max_items = static_cast<std::size_t>(s.integer("wishlist.max_items", 1, 1000))};
}

}  // namespace shop::wishlist
