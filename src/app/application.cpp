#include "application.hpp"

#include "admin_event_routes.hpp"
#include "dead_letters_command.hpp"
#include "descriptor_budget.hpp"
#include "openapi_document.hpp"
#include "ops_routes.hpp"

#include "shop/infra/events/retention.hpp"
#include "shop/infra/events/subscription.hpp"
#include "shop/infra/http/problem.hpp"
#include "shop/infra/http/problems.hpp"
#include "shop/infra/http/server.hpp"
#include "shop/infra/log/log.hpp"
#include "shop/infra/mail/mail_outbox.hpp"
#include "shop/user/user_events.hpp"

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <thread>

namespace shop::app {

std::span<const infra::EmbeddedFile> embedded_migrations();
std::span<const infra::EmbeddedFile> openapi_fragments();

namespace {

namespace log = infra::log;

// Database failures a handler did not handle itself become 503s the client may retry.
std::optional<infra::http::Response> map_infrastructure_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const infra::db::Unavailable&) {
    return infra::http::Problem(503, "service_unavailable", "Service unavailable",
                                "The database is unavailable; try again shortly.")
        .header("Retry-After", "1")
        .to_response();
  } catch (const infra::db::SerializationFailure&) {
    return infra::http::Problem(503, "service_unavailable", "Service unavailable",
                                "The request conflicted with concurrent ones; try again.")
        .header("Retry-After", "1")
        .to_response();
  } catch (const infra::db::Conflict& e) {
    // A unique constraint caught what a module's own checks did not (a race they do not handle):
    // the request clashes with existing data, which is the client's to resolve, not a fault.
    log::warn("app", "unhandled conflict", {{"statement", e.statement()}, {"sqlstate", e.sqlstate()}});
    return infra::http::conflict("conflict", "Conflict", "The request conflicts with existing data.")
        .to_response();
  } catch (...) {
    return std::nullopt;
  }
}

void register_pool_metrics(infra::metrics::Registry& metrics, infra::db::Database& db) {
  metrics.gauge("shopd_db_pool_size", "Database connections in the pool.", {},
                [&db] { return static_cast<double>(db.pool_size()); });
  metrics.gauge("shopd_db_pool_in_use", "Database connections running a unit of work.", {},
                [&db] { return static_cast<double>(db.in_use()); });
  metrics.gauge("shopd_db_pool_waiting", "Units of work waiting for a database connection.", {},
                [&db] { return static_cast<double>(db.waiting()); });
  metrics.gauge("shopd_db_read_pool_size", "Database connections for asynchronous reads.", {},
                [&db] { return static_cast<double>(db.read_pool_size()); });
  metrics.gauge("shopd_db_read_pool_in_use", "Asynchronous-read connections lent out.", {},
                [&db] { return static_cast<double>(db.reads_in_use()); });
}

std::unique_ptr<infra::mail::MailTransport> make_mail_transport(const MailConfig& mail) {
  if (mail.transport == MailConfig::Transport::kSmtp) return infra::mail::make_smtp_transport(mail.smtp);
  return infra::mail::make_file_transport(mail.dir);
}

// Handled events are kept a while for inspection, then purged; hourly is often enough for a
// retention counted in days.
constexpr auto kPurgeInterval = std::chrono::hours(1);

constexpr infra::db::Statement kPing{"app.ping", "SELECT 1"};

}  // namespace

Application::Application(AppConfig config, infra::crypto::KeyRing keys)
    : config_(std::move(config)),
      openapi_json_(build_openapi_document(openapi_fragments())),
      db_(config_.database, &metrics_),
      migrator_(db_, infra::db::load_migrations(embedded_migrations())),
      keys_(std::move(keys)),
      cipher_(keys_),
      mail_(make_mail_transport(config_.mail)),
      mail_queue_(cipher_),
      password_pool_(config_.password_threads),
      passwords_(config_.password_cost, password_pool_),
      dispatcher_(db_, clock_, config_.events, &metrics_),
      scheduler_(db_, clock_, &metrics_),
      idempotency_(db_, clock_, &metrics_),
      withdrawal_guard_(order::make_withdrawal_guard()),
      users_(user::make_user_module(
          {db_, clock_, keys_, passwords_, mail_queue_, config_.users, withdrawal_guard_.get()})),
      catalog_(catalog::make_catalog_module({db_, clock_, config_.catalog, &metrics_})),
      orders_(order::make_order_module({db_, clock_, keys_, catalog_->catalog(), users_->directory(),
                                        idempotency_, &metrics_, config_.orders})),
      payments_(payment::make_payment_module(
          {db_, clock_, orders_->orders(), idempotency_, &metrics_, config_.payments})),
      wishlist_(wishlist::make_wishlist_module(
          {db_, clock_, catalog_->catalog(), orders_->orders(), idempotency_, config_.wishlist})) {
  register_pool_metrics(metrics_, db_);
  register_ops_routes(router_, {db_, migrator_.latest(), openapi_json_});
  register_metrics_route(config_.metrics_listen.empty() ? router_ : metrics_router_, metrics_);
  register_admin_event_routes(router_, db_, clock_);
  users_->register_routes(router_);
  catalog_->register_routes(router_);
  orders_->register_routes(router_);
  payments_->register_routes(router_);
  wishlist_->register_routes(router_);
  users_->register_jobs(scheduler_);
  orders_->register_jobs(scheduler_);
  payments_->register_jobs(scheduler_);
  dispatcher_.add(mail_queue_.sender(*mail_));
  dispatcher_.add(payments_->refund_subscription());
  dispatcher_.add(
      notification::order_mail_subscription({users_->directory(), mail_queue_, config_.mail.from}));
  dispatcher_.add(
      infra::events::Subscription(std::string(wishlist::kWithdrawnUserSubscriber))
          .on<user::UserWithdrawn>([this](infra::db::Tx& tx, const user::UserWithdrawn& withdrawn) {
            wishlist_->forget_user(tx, withdrawn.user_id);
          }));
  dispatcher_.add(
      infra::events::Subscription(std::string(order::kWithdrawnUserSubscriber))
          .on<user::UserWithdrawn>([this](infra::db::Tx& tx, const user::UserWithdrawn& withdrawn) {
            orders_->cancel_unpaid_of(tx, withdrawn.user_id);
          }));
  scheduler_.every("events.purge", kPurgeInterval, [this](infra::db::Tx& tx) {
    const auto purged = infra::events::purge_handled(tx, clock_.now() - config_.events_retention);
    if (purged > 0) log::info("events", "purged handled events", {{"events", purged}});
  });
}

bool Application::wait_for_database() {
  const auto deadline = std::chrono::steady_clock::now() + config_.database_wait;
  for (;;) {
    try {
      auto ping = [](infra::db::Tx& tx) { tx.query(kPing); };
      db_.transact_blocking(ping);
      return true;
    } catch (const infra::db::Unavailable& e) {
      if (std::chrono::steady_clock::now() >= deadline) {
        log::error("app", "the database does not answer", {{"error", e.what()}});
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
}

int Application::migrate() {
  if (!wait_for_database()) return 1;
  const auto applied = migrator_.apply_pending();
  log::info("app", applied.empty() ? "migrations are current" : "migrations applied",
            {{"applied", applied.size()}, {"latest", migrator_.latest() ? migrator_.latest()->version : 0}});
  return 0;
}

bool Application::migrations_ready() {
  if (config_.auto_migrate) {
    migrator_.apply_pending();
    return true;
  }
  const auto status = migrator_.status();
  if (!status.edited.empty()) {
    log::error("app", "an applied migration was edited; refusing to start",
               {{"migration", status.edited.front()->name}});
    return false;
  }
  if (!status.pending.empty()) {
    log::error("app", "pending migrations; run `shopd migrate` first (auto_migrate is off)",
               {{"pending", status.pending.size()}, {"first", status.pending.front()->name}});
    return false;
  }
  return true;
}

int Application::dead_letters(std::span<const std::string> args) {
  if (!wait_for_database()) return 1;
  return run_dead_letters_command(db_, clock_, args);
}

int Application::serve() {
  log::info("app", "starting",
            {{"env", config_.environment == Environment::kProduction ? "production" : "development"}});
  limit_connections_to_descriptors(config_);
  if (!wait_for_database() || !migrations_ready()) return 1;

  // Subscriptions are recorded before anything can publish, so no event of this run misses one.
  dispatcher_.register_subscriptions();
  if (config_.events.threads > 0) dispatcher_.start();
  scheduler_.start(config_.scheduler_tick);
  payments_->start();
  catalog_->start();
  log::info("app", "background work started",
            {{"event_threads", config_.events.threads},
             {"mail", config_.mail.transport == MailConfig::Transport::kSmtp ? "smtp" : "file"}});

  infra::http::Server server(config_.server, router_, users_->authenticator(), metrics_,
                             map_infrastructure_error);
  if (!config_.metrics_listen.empty())
    server.add_listener("metrics", config_.metrics_listen, metrics_router_);
  // Catch the signals before the server says it listens: a SIGTERM that follows that line at once
  // must drain, not kill the process.
  boost::asio::signal_set signals(server.io_context(), SIGINT, SIGTERM);
  signals.async_wait([&server](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::info("app", "signal received; draining", {{"signal", signal}});
    server.drain();
  });
  server.start();
  server.wait();
  // In-flight deliveries and jobs finish; anything not yet committed is due again at the next start.
  payments_->stop();
  dispatcher_.stop();
  scheduler_.stop();
  catalog_->stop();
  log::info("app", "stopped");
  return 0;
}

}  // namespace shop::app
