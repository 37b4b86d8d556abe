#include "secret_keys.hpp"

#include "shop/infra/config/settings.hpp"
#include "shop/infra/crypto/key_file.hpp"
#include "shop/infra/log/log.hpp"

#include <stdexcept>

namespace shop::app {

infra::crypto::KeyRing load_secret_keys(const AppConfig& config) {
  using infra::config::ConfigError;
  try {
    if (!config.secret_keys.empty()) return infra::crypto::KeyRing::parse(config.secret_keys);
    if (!config.key_file.empty()) return infra::crypto::load_key_file(config.key_file);
  } catch (const std::exception& e) {
    // The message names what is wrong, never the key material.
    throw ConfigError(std::string("secret keys (SHOPD_SECRET_KEYS / SHOPD_KEY_FILE): ") + e.what());
  }
  if (config.environment == Environment::kProduction) {
    throw ConfigError(
        "production needs secret keys: set SHOPD_SECRET_KEYS (\"1:BASE64KEY\") or SHOPD_KEY_FILE; "
        "generate a key with `head -c32 /dev/urandom | base64`");
  }
  auto dev = infra::crypto::load_or_create_dev_key_file(config.dev_key_file);
  if (dev.created) {
    infra::log::warn("app", "generated a development secret key; never use it in production",
                     {{"file", config.dev_key_file}});
  } else {
    infra::log::info("app", "using the development secret key", {{"file", config.dev_key_file}});
  }
  return std::move(dev.keys);
}

}  // namespace shop::app
