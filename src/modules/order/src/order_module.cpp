#include "shop/order/order_module.hpp"

#include "lifecycle.hpp"
#include "order_payments.hpp"
#include "order_store.hpp"
#include "placement.hpp"
#include "routes.hpp"
#include "timed_steps.hpp"
#include "transitions.hpp"

#include "shop/infra/domain/uuid.hpp"
#include "shop/infra/log/log.hpp"

#include <atomic>

namespace shop::order {
namespace {

using infra::db::Statement;
using infra::db::Tx;

// Paid, shipping or awaiting a return: a user with such an order may not withdraw (API.md, DELETE /me).
constexpr Statement kInProgress{"orders.in_progress_of_user",
                                "SELECT EXISTS (SELECT 1 FROM orders.orders WHERE customer_id = $1"
                                " AND status IN ('paid', 'shipping', 'return_requested'))"};
// An order whose payment is in flight is left to its payment: the gateway may have charged it.
constexpr Statement kUnpaidOf{
    "orders.unpaid_of_user",
    "SELECT id FROM orders.orders WHERE customer_id = $1 AND status = 'pending_payment'"
    " AND NOT payment_in_flight FOR UPDATE"};
constexpr Statement kCountByStatus{"orders.count_by_status",
                                   "SELECT status, count(*) FROM orders.orders GROUP BY status"};

class Guard final : public user::WithdrawalGuard {
 public:
  bool has_orders_in_progress(Tx& tx, std::string_view user_id) const override {
    return infra::domain::is_uuid(user_id) && tx.query(kInProgress, user_id)[0].boolean(0);
  }
};

class OrdersImpl final : public Orders {
 public:
  explicit OrdersImpl(const OrderContext& ctx) : ctx_(ctx) {}

  infra::domain::Outcome<Order, PlaceRefused> place(Tx& tx, const PlaceOrder& request) const override {
    return place_order(ctx_, tx, request);
  }

  std::optional<Order> find(Tx& tx, std::string_view order_id) const override {
    if (!infra::domain::is_uuid(order_id)) return std::nullopt;
    return load_order(ctx_, tx, order_id);
  }

  infra::domain::Outcome<PayableOrder, PayRefused> begin_payment(Tx& tx,
                                                                 const PaymentStart& start) const override {
    return order::begin_payment(ctx_, tx, start);
  }
  bool paid(Tx& tx, const PaidWith& payment) const override { return payment_paid(ctx_, tx, payment); }
  bool declined(Tx& tx, std::string_view order_id) const override {
    return payment_declined(ctx_, tx, order_id);
  }
  void abandoned(Tx& tx, std::string_view order_id) const override { abandon_payment(ctx_, tx, order_id); }
  void refunded(Tx& tx, std::string_view order_id, infra::clock::TimePoint at) const override {
    payment_refunded(tx, order_id, at);
  }

 private:
  const OrderContext& ctx_;
};

// Orders by status on /metrics, counted by a job and read on scrape (a scrape never queries).
class StatusGauges {
 public:
  explicit StatusGauges(infra::metrics::Registry* metrics) : counts_(all_statuses().size()) {
    if (metrics == nullptr) return;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      metrics->gauge("shopd_orders", "Orders by status, as last counted.",
                     {{"status", std::string(status_name(all_statuses()[i]))}},
                     [this, i] { return counts_[i].load(); });
    }
  }
  void refresh(Tx& tx) {
    std::vector<double> fresh(counts_.size());
    for (const auto row : tx.query(kCountByStatus)) {
      const auto status = parse_status(row.text(0));
      if (status) fresh[static_cast<std::size_t>(*status)] = static_cast<double>(row.integer(1));
    }
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] = fresh[i];
  }

 private:
  std::vector<std::atomic<double>> counts_;  // by the status's place in all_statuses()
};

class Module final : public OrderModule {
 public:
  explicit Module(const OrderDeps& deps) : ctx_(deps), orders_(ctx_), gauges_(deps.metrics) {}

  const Orders& orders() const override { return orders_; }

  void register_routes(infra::http::Router& router) override { register_order_routes(router, ctx_); }

  void register_jobs(infra::scheduler::Scheduler& scheduler) override {
    scheduler.every("orders.expire_unpaid", ctx_.options.expiry_interval, [this](Tx& tx) {
      const auto expired = expire_due(ctx_, tx);
      if (expired > 0) {
        if (ctx_.expired != nullptr) ctx_.expired->add(static_cast<std::uint64_t>(expired));
        infra::log::info("order", "expired unpaid orders", {{"orders", expired}});
      }
    });
    scheduler.every("orders.take_timed_steps", ctx_.options.step_interval, [this](Tx& tx) {
      if (const auto taken = take_due_steps(ctx_, tx); taken > 0) {
        infra::log::info("order", "took due steps of paid orders", {{"orders", taken}});
      }
    });
    scheduler.every("orders.count_by_status", std::chrono::seconds(15),
                    [this](Tx& tx) { gauges_.refresh(tx); });
    scheduler.every("orders.purge_idempotency_keys", std::chrono::hours(1), [this](Tx& tx) {
      ctx_.idempotency.purge(tx, ctx_.clock.now() - ctx_.options.idempotency_retention);
    });
  }

  void cancel_unpaid_of(Tx& tx, std::string_view user_id) const override {
    if (!infra::domain::is_uuid(user_id)) return;
    for (const auto row : tx.query(kUnpaidOf, user_id)) {
      const CancelRequest cancel{
          .customer_id = std::string(user_id), .order_id = row.string(0), .reason = "account withdrawn"};
      // Locked FOR UPDATE above, so nothing moved it meanwhile and the cancel cannot be refused.
      if (!cancel_order(ctx_, tx, cancel))
        throw std::logic_error("a locked unpaid order could not be cancelled");
    }
  }

 private:
  OrderContext ctx_;
  OrdersImpl orders_;
  StatusGauges gauges_;
};

}  // namespace

std::unique_ptr<user::WithdrawalGuard> make_withdrawal_guard() {
  return std::make_unique<Guard>();
}

std::unique_ptr<OrderModule> make_order_module(OrderDeps deps) {
  return std::make_unique<Module>(deps);
}

}  // namespace shop::order
