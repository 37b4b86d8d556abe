#pragma once

#include "shop/alpha/alpha.hpp"

#include <memory>

namespace shop::alpha {

std::unique_ptr<Alpha> make_alpha();

}  // namespace shop::alpha
