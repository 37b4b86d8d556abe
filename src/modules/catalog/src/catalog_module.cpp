#include "shop/catalog/catalog_module.hpp"

#include "catalog_context.hpp"
#include "change_announcements.hpp"
#include "demo_products.hpp"
#include "reservations.hpp"
#include "routes.hpp"

#include "shop/infra/db/notification_listener.hpp"
#include "shop/infra/domain/uuid.hpp"

namespace shop::catalog {
namespace {

constexpr infra::db::Statement kSummaries{
    "catalog.product_summaries",
    "SELECT id, seller_id, name, price, on_hand - reserved, deleted_at IS NOT NULL"
    " FROM catalog.products WHERE id = ANY($1::uuid[])"};

class CatalogImpl final : public Catalog {
 public:
  explicit CatalogImpl(const CatalogContext& ctx) : ctx_(ctx) {}

  std::vector<ProductSummary> products(infra::db::Tx& tx, std::span<const std::string> ids) const override {
    std::vector<std::string> valid;
    for (const auto& id : ids) {
      if (infra::domain::is_uuid(id)) valid.push_back(id);
    }
    std::vector<ProductSummary> out;
    if (valid.empty()) return out;
    for (const auto row : tx.query(kSummaries, valid)) {
      out.push_back(
          {row.string(0), row.string(1), row.string(2), row.integer(3), row.integer(4), row.boolean(5)});
    }
    return out;
  }

  infra::domain::Outcome<Reservation, ReserveRefused> reserve(infra::db::Tx& tx,
                                                              const ReserveRequest& request) const override {
    return catalog::reserve(ctx_, tx, request);
  }
  infra::domain::Outcome<infra::domain::Done, TransitionRefused> release(
      infra::db::Tx& tx, std::string_view order_id) const override {
    return catalog::release(ctx_, tx, order_id);
  }
  infra::domain::Outcome<infra::domain::Done, TransitionRefused> commit(
      infra::db::Tx& tx, std::string_view order_id) const override {
    return catalog::commit(ctx_, tx, order_id);
  }
  infra::domain::Outcome<infra::domain::Done, TransitionRefused> restock(
      infra::db::Tx& tx, std::string_view order_id) const override {
    return catalog::restock(ctx_, tx, order_id);
  }
  std::optional<Reservation> reservation(infra::db::Tx& tx, std::string_view order_id) const override {
    return find_reservation(tx, order_id);
  }

 private:
  const CatalogContext& ctx_;
};

class Module final : public CatalogModule {
 public:
  explicit Module(const CatalogDeps& deps) : ctx_(deps), catalog_(ctx_) {
    if (deps.metrics != nullptr) ctx_.storefront.register_metrics(*deps.metrics);
  }
  ~Module() override { stop(); }

  const Catalog& catalog() const override { return catalog_; }

  void register_routes(infra::http::Router& router) override {
    register_product_routes(router, ctx_);
    register_stock_routes(router, ctx_);
  }

  void start() override {
    if (listener_ || ctx_.options.cache.ttl.count() == 0) return;
    listener_ = std::make_unique<infra::db::NotificationListener>(
        ctx_.db.conninfo(), std::string(kProductChannel), ctx_.storefront.listener_handlers());
    listener_->start();
  }

  void stop() override {
    if (listener_) listener_->stop();
  }

  boost::asio::awaitable<int> seed_demo_products(std::string seller_id) override {
    co_return co_await catalog::seed_demo_products(ctx_, std::move(seller_id));
  }

 private:
  CatalogContext ctx_;
  CatalogImpl catalog_;
  std::unique_ptr<infra::db::NotificationListener> listener_;
};

}  // namespace

std::string_view status_name(ReservationStatus status) {
  switch (status) {
    case ReservationStatus::kReserved:
      return "reserved";
    case ReservationStatus::kReleased:
      return "released";
    case ReservationStatus::kSold:
      return "sold";
    case ReservationStatus::kRestocked:
      return "restocked";
  }
  return "reserved";
}

std::string_view error_code(ReserveError error) {
  switch (error) {
    case ReserveError::kProductNotFound:
      return "product_not_found";
    case ReserveError::kSaleNotOpen:
      return "sale_not_open";
    case ReserveError::kPurchaseLimitExceeded:
      return "purchase_limit_exceeded";
    case ReserveError::kInsufficientStock:
      return "insufficient_stock";
  }
  return "insufficient_stock";
}

std::unique_ptr<CatalogModule> make_catalog_module(CatalogDeps deps) {
  return std::make_unique<Module>(deps);
}

}  // namespace shop::catalog
