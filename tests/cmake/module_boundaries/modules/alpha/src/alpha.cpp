#include "shop/alpha/alpha_module.hpp"

namespace shop::alpha {
namespace {

class FortyTwo final : public Alpha {
 public:
  int answer() const override { return 42; }
};

}  // namespace

std::unique_ptr<Alpha> make_alpha() {
  return std::make_unique<FortyTwo>();
}

}  // namespace shop::alpha
