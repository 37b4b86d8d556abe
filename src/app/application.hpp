#pragma once

#include "app_config.hpp"

#include <optional>

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/crypto/field_cipher.hpp"
#include "shop/infra/crypto/key_ring.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/db/migrator.hpp"
#include "shop/infra/events/dispatcher.hpp"
#include "shop/infra/http/router.hpp"
#include "shop/infra/mail/mail.hpp"
#include "shop/infra/mail/mail_outbox.hpp"
#include "shop/infra/metrics/registry.hpp"
#include "shop/infra/scheduler/scheduler.hpp"

#include <memory>
#include <span>
#include <string>

namespace shop::app {

// The composition root: infrastructure built from config, every module wired to it, every route
// registered. Constructing it touches no network; the database connects on first use.
class Application {
 public:
  explicit Application(AppConfig config);

  // Applies or checks migrations as configured, then serves until SIGTERM/SIGINT. Returns the exit code.
  int serve();
  // `shopd migrate`: applies pending migrations. Returns the exit code.
  int migrate();
  // `shopd dead-letters list|replay ...`. Returns the exit code.
  int dead_letters(std::span<const std::string> args);
  const infra::http::Router& router() const { return router_; }

 private:
  bool wait_for_database();
  bool migrations_ready();

  AppConfig config_;
  infra::clock::SystemClock clock_;
  infra::metrics::Registry metrics_;
  infra::db::Database db_;
  infra::db::Migrator migrator_;
  infra::http::Router router_;
  std::unique_ptr<infra::mail::MailTransport> mail_;
  std::optional<infra::crypto::FieldCipher> cipher_;  // from the keys, which serve() loads
  std::optional<infra::mail::MailQueue> mail_queue_;
  infra::events::Dispatcher dispatcher_;
  infra::scheduler::Scheduler scheduler_;
  std::optional<infra::crypto::KeyRing> keys_;  // loaded by serve(); the modules that use them arrive with their issues
};

}  // namespace shop::app
