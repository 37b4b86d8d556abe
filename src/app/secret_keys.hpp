#pragma once

#include "app_config.hpp"

#include "shop/infra/crypto/key_ring.hpp"

namespace shop::app {

// The key ring for field encryption, blind indexes and tokens: from
// SHOPD_SECRET_KEYS, else SHOPD_KEY_FILE, else (development only) a key file generated on first run
// and announced in the log. Production without keys throws infra::config::ConfigError, so the
// process stops before serving anything it could not protect.
infra::crypto::KeyRing load_secret_keys(const AppConfig& config);

}  // namespace shop::app
