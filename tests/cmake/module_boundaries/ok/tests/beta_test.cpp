#include "shop/beta/beta.hpp"
#include "shop/alpha/alpha_module.hpp"

int main() {
  return shop::beta::doubled(*shop::alpha::make_alpha()) == 84 ? 0 : 1;
}
