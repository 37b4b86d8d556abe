#include "placement.hpp"

#include "order_store.hpp"

#include "shop/order/order_events.hpp"

#include "shop/infra/crypto/random.hpp"
#include "shop/infra/domain/uuid.hpp"
#include "shop/infra/events/outbox.hpp"
#include "shop/infra/http/problems.hpp"

#include <fmt/format.h>

#include <set>

namespace shop::order {
namespace {

using infra::domain::fail;
using Reason = PlaceRefused::Reason;
namespace http = infra::http;

boost::json::object address_json(const user::ShippingAddress& a) {
  return {{"recipient", a.recipient},
          {"phone", a.phone},
          {"zip_code", a.zip_code},
          {"line1", a.line1},
          {"line2", a.line2 ? boost::json::value(*a.line2) : nullptr}};
}

PlaceRefused refused(const catalog::ReserveRefused& r) {
  using catalog::ReserveError;
  switch (r.reason) {
    case ReserveError::kProductNotFound:
      return {.reason = Reason::kProductNotFound,
              .product_id = r.product_id,
              .detail = fmt::format("There is no product {}.", r.product_id)};
    case ReserveError::kSaleNotOpen:
      return {.reason = Reason::kSaleNotOpen,
              .product_id = r.product_id,
              .detail = fmt::format("The sale of product {} has not opened yet.", r.product_id)};
    case ReserveError::kPurchaseLimitExceeded:
      return {.reason = Reason::kPurchaseLimitExceeded,
              .product_id = r.product_id,
              .detail = fmt::format(
                  "Product {} allows {} units per customer; you hold or bought {} and asked for {}.",
                  r.product_id, r.purchase_limit, r.already_bought, r.requested)};
    case ReserveError::kInsufficientStock:
      return {.reason = Reason::kInsufficientStock,
              .product_id = r.product_id,
              .detail = fmt::format("Product {} has {} units available; {} were asked for.", r.product_id,
                                    r.available, r.requested)};
  }
  throw std::logic_error("unknown ReserveError");
}

}  // namespace

infra::domain::FieldErrors invalid_order_fields(const PlaceOrder& request) {
  infra::domain::FieldErrors errors;
  if (!infra::domain::is_uuid(request.address_id)) errors.push_back({"address_id", "must be an address id"});
  if (request.items.empty() || request.items.size() > kMaxOrderLines) {
    errors.push_back({"items", fmt::format("must hold 1 to {} items", kMaxOrderLines)});
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < request.items.size(); ++i) {
    const auto& item = request.items[i];
    const auto at = [&](std::string_view field) { return fmt::format("items[{}].{}", i, field); };
    if (!infra::domain::is_uuid(item.product_id)) {
      errors.push_back({at("product_id"), "must be a product id"});
    } else if (!seen.insert(item.product_id).second) {
      errors.push_back({at("product_id"), "appears more than once; order a product once, with its quantity"});
    }
    if (item.quantity < 1 || item.quantity > kMaxQuantity) {
      errors.push_back({at("quantity"), fmt::format("must be between 1 and {}", kMaxQuantity)});
    }
  }
  return errors;
}

infra::domain::Outcome<Order, PlaceRefused> place_order(const OrderContext& ctx, infra::db::Tx& tx,
                                                        const PlaceOrder& request) {
  if (auto errors = invalid_order_fields(request); !errors.empty()) {
    return fail(PlaceRefused{.reason = Reason::kInvalid, .fields = std::move(errors)});
  }
  const auto address =
      ctx.users.shipping_address(tx, {.user_id = request.customer_id, .address_id = request.address_id});
  if (!address)
    return fail(PlaceRefused{.reason = Reason::kAddressNotFound, .detail = "You have no such address."});

  Order order;
  order.id = infra::crypto::random_uuid();
  order.customer_id = request.customer_id;
  order.status = OrderStatus::kPendingPayment;
  order.payment_order_id = "shopd-" + order.id;
  order.shipping_address = address_json(*address);
  order.created_at = order.updated_at = ctx.clock.now();
  order.expires_at = order.created_at + ctx.options.payment_ttl;

  catalog::ReserveRequest reserve{order.id, request.customer_id, {}};
  for (const auto& item : request.items) reserve.lines.push_back({item.product_id, item.quantity});
  // A refused basket reserves nothing (the catalog's contract), so no savepoint is needed: the
  // refusal commits with the Idempotency-Key's answer and nothing else.
  const auto reservation = ctx.catalog.reserve(tx, reserve);
  if (!reservation) {
    auto refusal = refused(reservation.error());
    for (std::size_t i = 0; i < request.items.size(); ++i) {
      if (request.items[i].product_id == refusal.product_id) refusal.line = i;
    }
    return fail(std::move(refusal));
  }
  // In the order the customer listed them; the reservation is by product.
  std::map<std::string, const catalog::ReservedLine*, std::less<>> reserved;
  for (const auto& line : reservation->lines) reserved.emplace(line.product_id, &line);
  for (const auto& item : request.items) {
    const auto& line = *reserved.at(item.product_id);
    order.items.push_back({line.product_id, line.seller_id, line.name, line.unit_price, item.quantity});
    order.total_amount += line.unit_price * item.quantity;
  }
  insert_order(ctx, tx, order);
  OrderPlaced placed;
  placed.order_id = order.id;
  placed.customer_id = order.customer_id;
  placed.total_amount = order.total_amount;
  infra::events::publish(tx, placed);
  if (ctx.placed != nullptr) ctx.placed->add();
  return order;
}

http::Problem to_problem(const PlaceRefused& refused, std::optional<std::string_view> line_field) {
  if (refused.reason == Reason::kInvalid) return http::validation_failed(refused.fields);
  if (refused.reason == Reason::kAddressNotFound) return http::not_found(refused.detail, "address_not_found");
  // The line a product's refusal is about, for a client to point at.
  infra::domain::FieldErrors line;
  if (line_field && refused.line) {
    line.push_back({fmt::format(fmt::runtime(*line_field), *refused.line), refused.detail});
  }
  switch (refused.reason) {
    case Reason::kProductNotFound:
      return http::Problem(404, "product_not_found", "Product not found", refused.detail, std::move(line));
    case Reason::kInsufficientStock:
      return http::Problem(409, "insufficient_stock", "Insufficient stock", refused.detail, std::move(line));
    case Reason::kSaleNotOpen:
      return http::Problem(409, "sale_not_open", "Sale not open", refused.detail, std::move(line));
    default:
      return http::Problem(409, "purchase_limit_exceeded", "Purchase limit exceeded", refused.detail,
                           std::move(line));
  }
}

}  // namespace shop::order
