#pragma once

#include "shop/order/order_status.hpp"

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/db/tx.hpp"
#include "shop/infra/domain/field_error.hpp"
#include "shop/infra/domain/outcome.hpp"
#include "shop/infra/http/problem.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What other modules may ask of the order module, inside their own transaction: the wishlist
// places an order from its items in its checkout transaction; the payment module learns what an
// order costs and moves it when its payment is known.
namespace shop::order {

struct OrderLineRequest {
  std::string product_id;
  std::int64_t quantity = 0;
};

struct PlaceOrder {
  std::string customer_id;
  std::string address_id;
  std::vector<OrderLineRequest> items;  // 1..1000, a product at most once
};

// Why an order was not placed. Nothing of it is left behind: no order and no reservation.
struct PlaceRefused {
  enum class Reason {
    kInvalid,  // `fields` names every bad input ("items[3].quantity")
    kAddressNotFound,
    kProductNotFound,
    kInsufficientStock,
    kSaleNotOpen,
    kPurchaseLimitExceeded,
  } reason = Reason::kInvalid;
  infra::domain::FieldErrors fields = {};
  std::string product_id = {};           // the product the refusal is about
  std::optional<std::size_t> line = {};  // its index in PlaceOrder::items
  std::string detail = {};
};

// The problem document of a refusal, as POST /orders and POST /wishlist/checkout answer it:
// validation_failed, 404 address_not_found or product_not_found, 409 insufficient_stock,
// sale_not_open or purchase_limit_exceeded. `line_field` ("items[{}].product_id") names the line a
// refusal is about in the request's terms; nullopt when the request listed no lines.
infra::http::Problem to_problem(const PlaceRefused& refused, std::optional<std::string_view> line_field);

struct OrderLine {
  std::string product_id;
  std::string seller_id;
  std::string name;
  std::int64_t unit_price = 0;
  std::int64_t quantity = 0;
  std::int64_t line_total() const { return unit_price * quantity; }
};

struct Order {
  std::string id;
  std::string customer_id;
  OrderStatus status = OrderStatus::kPendingPayment;
  std::vector<OrderLine> items;
  std::int64_t total_amount = 0;
  std::string payment_order_id;  // the orderId the payment gateway knows the order by
  boost::json::object shipping_address;
  std::optional<infra::clock::TimePoint> expires_at;
  infra::clock::TimePoint created_at;
  infra::clock::TimePoint updated_at;
};

// The order as the API answers it (API.md, Orders).
boost::json::object to_json(const Order& order);

// A payment about to be asked of the gateway for a customer's order.
struct PaymentStart {
  std::string order_id;
  std::string customer_id;
  std::int64_t amount = 0;
};

// Why an order cannot be paid now.
struct PayRefused {
  enum class Reason {
    kNotFound,        // no such order of this customer
    kNotPayable,      // not pending payment, expired, or another payment of it is in flight
    kAmountMismatch,  // `total` is what it costs
  } reason = Reason::kNotFound;
  std::int64_t total = 0;
};

class Orders {
 public:
  virtual ~Orders() = default;
  // Validates every line first, then, in `tx`: reserves the stock, copies names and prices, snapshots
  // the shipping address and writes the order pending_payment with OrderPlaced. A refusal leaves
  // nothing of the order in `tx`.
  virtual infra::domain::Outcome<Order, PlaceRefused> place(infra::db::Tx& tx,
                                                            const PlaceOrder& request) const = 0;
  // nullopt for an unknown order.
  virtual std::optional<Order> find(infra::db::Tx& tx, std::string_view order_id) const = 0;

  // The payment module's part, each in its transaction. begin_payment checks that the order is the
  // customer's, pending payment, unexpired and costs `amount`, and marks a payment in flight: the
  // order does not expire until paid(), declined() or abandoned() says how it ended.
  virtual infra::domain::Outcome<Order, PayRefused> begin_payment(infra::db::Tx& tx,
                                                                  const PaymentStart& start) const = 0;
  // pending_payment -> paid: the reservation is sold; OrderPaid. False if the order was not in flight.
  virtual bool paid(infra::db::Tx& tx, std::string_view order_id) const = 0;
  // pending_payment -> payment_failed: the stock is released; OrderPaymentFailed.
  virtual bool declined(infra::db::Tx& tx, std::string_view order_id) const = 0;
  // The gateway never acted: the order is payable again, and may expire as before.
  virtual void abandoned(infra::db::Tx& tx, std::string_view order_id) const = 0;
};

}  // namespace shop::order
