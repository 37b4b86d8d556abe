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
// order costs, moves it when its payment is known, and records its refund.
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

// The goods' way to the customer, from the payment on (API.md, Orders: "delivery"), and back for a
// return.
struct Delivery {
  std::string status;  // preparing, shipping, delivered or cancelled
  std::optional<std::string> tracking_number = std::nullopt;
  std::optional<infra::clock::TimePoint> shipped_at = std::nullopt;
  std::optional<infra::clock::TimePoint> delivered_at = std::nullopt;
  std::optional<std::string> return_reason = std::nullopt;
  std::optional<infra::clock::TimePoint> return_requested_at = std::nullopt;
  std::optional<infra::clock::TimePoint> returned_at = std::nullopt;
};

// The order's copy of the payment that paid it, as the payment module reported it.
struct OrderPayment {
  std::string payment_id;
  std::optional<std::string> method;  // as the gateway named it ("CARD"), if it did
  infra::clock::TimePoint paid_at;
  std::optional<infra::clock::TimePoint> refunded_at = std::nullopt;
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
  std::optional<Delivery> delivery;
  std::optional<OrderPayment> payment;
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

// What paid an order: the payment module's record of the gateway's charge.
struct PaidWith {
  std::string order_id;
  std::string payment_id;
  std::string method;
  infra::clock::TimePoint paid_at;
};

// What the gateway is told of an order whose payment begins.
struct PayableOrder {
  std::string payment_order_id;  // the orderId the gateway knows it by
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
  virtual infra::domain::Outcome<PayableOrder, PayRefused> begin_payment(infra::db::Tx& tx,
                                                                         const PaymentStart& start) const = 0;
  // pending_payment -> paid: the reservation is sold, the delivery created (preparing) and shipping
  // due after ship_after; OrderPaid. False if the order was not in flight.
  virtual bool paid(infra::db::Tx& tx, const PaidWith& payment) const = 0;
  // pending_payment -> payment_failed: the stock is released; OrderPaymentFailed.
  virtual bool declined(infra::db::Tx& tx, std::string_view order_id) const = 0;
  // The gateway never acted: the order is payable again, and may expire as before.
  virtual void abandoned(infra::db::Tx& tx, std::string_view order_id) const = 0;
  // The payment of a cancelled or returned order was refunded (the payment module refunds on
  // OrderCancelled and OrderReturned of a paid order).
  virtual void refunded(infra::db::Tx& tx, std::string_view order_id, infra::clock::TimePoint at) const = 0;
};

}  // namespace shop::order
