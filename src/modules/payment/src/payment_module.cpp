#include "shop/payment/payment_module.hpp"

#include "payments.hpp"
#include "refunds.hpp"
#include "routes.hpp"
#include "settlements.hpp"

#include "shop/order/order_events.hpp"

#include "shop/infra/log/log.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace shop::payment {
namespace {

class Module final : public PaymentModule {
 public:
  explicit Module(const PaymentDeps& deps) : ctx_(deps) {
    if (deps.metrics == nullptr) return;
    deps.metrics->gauge("shopd_payments_pending",
                        "Payments waiting for the gateway's answer, as last counted.", {},
                        [this] { return static_cast<double>(pending_.load()); });
    deps.metrics->gauge("shopd_refunds_pending", "Refunds the gateway has not done yet, as last counted.", {},
                        [this] { return static_cast<double>(pending_refunds_.load()); });
  }
  ~Module() override { stop(); }

  void register_routes(infra::http::Router& router) override { register_payment_routes(router, ctx_); }

  void register_jobs(infra::scheduler::Scheduler& scheduler) override {
    scheduler.every("payments.settle", ctx_.options.settlement_interval, [this](infra::db::Tx& tx) {
      const auto now = ctx_.clock.now();
      if (const auto settled = settle_due(tx, now - ctx_.options.settlement_delay, now); settled > 0) {
        infra::log::info("payment", "settled sellers' settlements", {{"settlements", settled}});
      }
    });
  }

  infra::events::Subscription refund_subscription() const override {
    infra::events::Subscription s{std::string(kRefundSubscriber)};
    s.on<order::OrderCancelled>([this](infra::db::Tx& tx, const order::OrderCancelled& e) {
      request_refund(ctx_, tx, e.order_id, "order cancelled");
    });
    s.on<order::OrderReturned>([this](infra::db::Tx& tx, const order::OrderReturned& e) {
      request_refund(ctx_, tx, e.order_id, "order returned");
    });
    return s;
  }

  void start() override {
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { reconcile_until_stopped(); });
  }

  void stop() override {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  // A failure (the database away, say) is logged and the next round tries again.
  void reconcile_until_stopped() {
    for (;;) {
      try {
        while (reconcile_due(ctx_) > 0) {
        }
        while (refund_due(ctx_) > 0) {
        }
        auto count = [this](infra::db::Tx& tx) {
          pending_ = pending_payments(tx);
          pending_refunds_ = pending_refunds(tx);
        };
        ctx_.db.transact_blocking(count);
      } catch (const std::exception& e) {
        infra::log::warn("payment", "reconciliation failed; trying again", {{"error", e.what()}});
      }
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, ctx_.options.reconcile_interval, [this] { return stopping_; })) return;
    }
  }

  PaymentContext ctx_;
  std::atomic<std::int64_t> pending_ = 0;
  std::atomic<std::int64_t> pending_refunds_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<PaymentModule> make_payment_module(PaymentDeps deps) {
  return std::make_unique<Module>(deps);
}

}  // namespace shop::payment
