#include "libsodium.hpp"

#include <stdexcept>

namespace shop::infra::crypto {

void init_sodium() {
  // A function-local static is initialised exactly once even when threads race here; sodium_init is
  // itself idempotent, so other code in the process calling it too does no harm.
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace shop::infra::crypto
