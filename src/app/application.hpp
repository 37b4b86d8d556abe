#pragma once

#include "app_config.hpp"

#include <optional>

#include "shop/catalog/catalog_module.hpp"
#include "shop/infra/clock/clock.hpp"
#include "shop/infra/crypto/field_cipher.hpp"
#include "shop/infra/crypto/key_ring.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/db/migrator.hpp"
#include "shop/infra/events/dispatcher.hpp"
#include "shop/infra/http/router.hpp"
#include "shop/infra/idempotency/idempotency_keys.hpp"
#include "shop/infra/mail/mail.hpp"
#include "shop/infra/mail/mail_outbox.hpp"
#include "shop/infra/metrics/registry.hpp"
#include "shop/infra/scheduler/scheduler.hpp"
#include "shop/notification/notification_module.hpp"
#include "shop/order/order_module.hpp"
#include "shop/payment/payment_module.hpp"
#include "shop/user/user_module.hpp"
#include "shop/wishlist/wishlist_module.hpp"

#include <memory>
#include <span>
#include <string>

namespace shop::app {

// The composition root: infrastructure built from config, every module wired to it, every route
// registered. Constructing it touches no network; the database connects on first use.
class Application {
 public:
  // `keys` protect personal data and sign tokens: the real ring for commands that touch them
  // (serve, create-admin, seed-demo), any ring for the others.
  Application(AppConfig config, infra::crypto::KeyRing keys);

  // Applies or checks migrations as configured, then serves until SIGTERM/SIGINT. Returns the exit code.
  int serve();
  // `shopd migrate`: applies pending migrations. Returns the exit code.
  int migrate();
  // `shopd dead-letters list|replay ...`. Returns the exit code.
  int dead_letters(std::span<const std::string> args);
  // `shopd create-admin --username U` (password from stdin) and `shopd seed-demo`.
  int create_admin(std::span<const std::string> args);
  int seed_demo();
  const infra::http::Router& router() const { return router_; }
  // The OpenAPI document /openapi.json serves (`shopd openapi` prints it, for linters).
  const std::string& openapi_json() const { return openapi_json_; }

 private:
  bool wait_for_database();
  bool migrations_ready();

  AppConfig config_;
  std::string openapi_json_;
  infra::clock::SystemClock clock_;
  infra::metrics::Registry metrics_;
  infra::db::Database db_;
  infra::db::Migrator migrator_;
  infra::http::Router router_;
  infra::http::Router metrics_router_;  // /metrics alone, when server.metrics_listen gives it a listener
  infra::crypto::KeyRing keys_;
  infra::crypto::FieldCipher cipher_;
  std::unique_ptr<infra::mail::MailTransport> mail_;
  infra::mail::MailQueue mail_queue_;
  infra::exec::WorkerPool password_pool_;  // Argon2id runs here, never on an I/O thread
  infra::crypto::PasswordHasher passwords_;
  infra::events::Dispatcher dispatcher_;
  infra::scheduler::Scheduler scheduler_;
  infra::idempotency::IdempotencyKeys idempotency_;
  // Asked by the user module, answered from the order module's tables (no module cycle).
  std::unique_ptr<user::WithdrawalGuard> withdrawal_guard_;
  std::unique_ptr<user::UserModule> users_;
  std::unique_ptr<catalog::CatalogModule> catalog_;
  std::unique_ptr<order::OrderModule> orders_;
  std::unique_ptr<payment::PaymentModule> payments_;
  std::unique_ptr<wishlist::WishlistModule> wishlist_;
};

}  // namespace shop::app
