#pragma once

#include "shop/beta/beta.hpp"

namespace shop::beta {

struct BetaOptions {
  int factor = 2;
};

}  // namespace shop::beta
