#include "shop/alpha/alpha_module.hpp"
#include "shop/beta/beta_module.hpp"

int run_app() {
  const auto alpha = shop::alpha::make_alpha();
  return shop::beta::doubled(*alpha) == 84 ? 0 : 1;
}
