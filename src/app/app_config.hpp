#pragma once

#include "shop/catalog/catalog_module.hpp"
#include "shop/infra/config/settings.hpp"
#include "shop/infra/crypto/password_hasher.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/events/dispatcher.hpp"
#include "shop/infra/http/server.hpp"
#include "shop/infra/log/log.hpp"
#include "shop/infra/mail/mail.hpp"
#include "shop/order/order_module.hpp"
#include "shop/payment/payment_module.hpp"
#include "shop/user/user_module.hpp"
#include "shop/wishlist/wishlist_module.hpp"

#include <optional>
#include <span>
#include <string>

namespace shop::app {

enum class Environment { kDevelopment, kProduction };

struct MailConfig {
  enum class Transport { kFile, kSmtp } transport = Transport::kFile;
  std::string dir;
  std::string from;
  infra::mail::SmtpOptions smtp;
};

struct AppConfig {
  Environment environment = Environment::kDevelopment;
  infra::http::ServerOptions server;
  // server.max_connections when set; unset, serve derives it from the file descriptor limit
  // (descriptor_budget.hpp).
  std::optional<std::size_t> max_connections;
  std::string metrics_listen;  // empty: /metrics on server.listen
  infra::db::DatabaseOptions database;
  bool auto_migrate = true;
  std::chrono::milliseconds database_wait{10'000};
  infra::events::DispatcherOptions events;
  std::chrono::milliseconds events_retention{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds scheduler_tick{1000};
  MailConfig mail;
  infra::crypto::PasswordCost password_cost = infra::crypto::PasswordCost::interactive_default();
  std::size_t password_threads = 2;
  user::UserOptions users;
  catalog::CatalogOptions catalog;
  order::OrderOptions orders;
  payment::PaymentOptions payments;
  wishlist::WishlistOptions wishlist;
  infra::log::Level log_level = infra::log::Level::kInfo;
  // Where the secret keys come from: the text itself, a file, or (development only) a key file
  // generated on first use.
  std::string secret_keys;
  std::string key_file;
  std::string dev_key_file;
};

// Every knob shopd reads: its file key, environment variable, default and meaning.
std::span<const infra::config::Knob> knobs();

// Reads the file (explicit path, else $SHOPD_CONFIG, else config/shopd.toml if present) and the
// environment; throws ConfigError naming the first bad key.
AppConfig load_config(std::optional<std::string> explicit_path);

}  // namespace shop::app
