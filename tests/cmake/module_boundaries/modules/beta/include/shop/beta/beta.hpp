#pragma once

#include "shop/alpha/alpha.hpp"

namespace shop::beta {

// Asks module alpha through its interface, the only way one module reaches another.
int doubled(const alpha::Alpha& alpha);

}  // namespace shop::beta
