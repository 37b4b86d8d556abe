#pragma once

#include "shop/catalog/catalog.hpp"
#include "shop/order/orders.hpp"
#include "shop/user/user_directory.hpp"
#include "shop/user/withdrawal_guard.hpp"

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/config/settings.hpp"
#include "shop/infra/crypto/key_ring.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/http/router.hpp"
#include "shop/infra/idempotency/idempotency_keys.hpp"
#include "shop/infra/metrics/registry.hpp"
#include "shop/infra/scheduler/scheduler.hpp"

#include <chrono>
#include <memory>
#include <span>
#include <string_view>

// The order module's entry point, for src/app only: placing orders, their lists, cancels and
// returns, the expiry of unpaid orders and the timed steps of paid ones. Other modules see
// shop/order/orders.hpp.
namespace shop::order {

struct OrderOptions {
  std::chrono::seconds payment_ttl{5 * 60};         // an unpaid order expires this long after it was placed
  std::chrono::milliseconds expiry_interval{5000};  // how often the expiry job looks for them
  std::chrono::milliseconds idempotency_retention{24 * 3600 * 1000};
  // The timed steps of a paid order (API.md, Orders), each counted from the step before.
  std::chrono::milliseconds ship_after{24 * 3600 * 1000};         // paid -> shipping
  std::chrono::milliseconds deliver_after{24 * 3600 * 1000};      // shipping -> delivered
  std::chrono::milliseconds return_window{24 * 3600 * 1000};      // a return may be asked for this long
  std::chrono::milliseconds return_processing{24 * 3600 * 1000};  // return_requested -> returned
  std::chrono::milliseconds step_interval{5000};                  // how often due steps are taken
};

std::span<const infra::config::Knob> order_knobs();
OrderOptions read_order_options(const infra::config::Settings& settings);

struct OrderDeps {
  infra::db::Database& db;
  const infra::clock::Clock& clock;
  const infra::crypto::KeyRing& keys;  // shipping addresses are personal data, sealed in the order
  const catalog::Catalog& catalog;
  const user::UserDirectory& users;
  const infra::idempotency::IdempotencyKeys& idempotency;
  infra::metrics::Registry* metrics;
  OrderOptions options;
};

class OrderModule {
 public:
  virtual ~OrderModule() = default;
  virtual const Orders& orders() const = 0;
  virtual void register_routes(infra::http::Router& router) = 0;
  // The expiry of unpaid orders, the timed steps of paid ones and the purge of old idempotency keys.
  virtual void register_jobs(infra::scheduler::Scheduler& scheduler) = 0;
  // Cancels the user's unpaid orders in the caller's transaction: their stock goes back on sale.
  virtual void cancel_unpaid_of(infra::db::Tx& tx, std::string_view user_id) const = 0;
};

// The durable name of the subscriber that cancels a withdrawn user's unpaid orders: src/app
// subscribes OrderModule::cancel_unpaid_of under it to user.UserWithdrawn.
inline constexpr std::string_view kWithdrawnUserSubscriber = "order.withdrawn_user";

// What keeps a user from withdrawing: orders paid, shipping or awaiting a return. It needs nothing
// but the database, so src/app can hand it to the user module before the order module exists.
std::unique_ptr<user::WithdrawalGuard> make_withdrawal_guard();

std::unique_ptr<OrderModule> make_order_module(OrderDeps deps);

}  // namespace shop::order
