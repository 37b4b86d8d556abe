#include "shop/beta/beta_module.hpp"

namespace shop::beta {

int doubled(const alpha::Alpha& alpha) {
  return alpha.answer() * BetaOptions{}.factor;
}

}  // namespace shop::beta
