#include "shop/alpha/alpha_module.hpp"

int report() {
  return shop::alpha::make_alpha()->answer();
}
