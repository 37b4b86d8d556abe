#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/db/tx.hpp"
#include "shop/infra/domain/outcome.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// What other modules may ask of the catalog, always inside their own transaction: the products they
// show or hold, and the stock an order holds. The order module reserves a basket when an order is
// placed, releases it when the order is cancelled or expires unpaid, commits it when the order is
// paid and restocks it when a sold order is returned or cancelled after payment. Each of the four
// is idempotent per order id: calling it again changes nothing.
namespace shop::catalog {

// A product as other modules see it: what an order copies and a wishlist shows.
struct ProductSummary {
  std::string id;
  std::string seller_id;
  std::string name;
  std::int64_t price = 0;
  std::int64_t available = 0;  // on hand minus reserved
  bool deleted = false;        // off the storefront, still held by the orders that have it
};

struct BasketLine {
  std::string product_id;
  std::int64_t quantity = 0;  // at least 1
};

struct ReserveRequest {
  std::string order_id;           // a UUID: the key that makes reserve idempotent
  std::string customer_id;        // whose purchase limits apply
  std::vector<BasketLine> lines;  // at least one; lines of the same product are added up
};

// One product of a reservation, with the name, price and seller it was reserved at.
struct ReservedLine {
  std::string product_id;
  std::string seller_id;
  std::string name;
  std::int64_t unit_price = 0;
  std::int64_t quantity = 0;
};

enum class ReservationStatus { kReserved, kReleased, kSold, kRestocked };
std::string_view status_name(ReservationStatus status);

struct Reservation {
  std::string order_id;
  std::string customer_id;
  ReservationStatus status = ReservationStatus::kReserved;
  std::vector<ReservedLine> lines = {};  // by product id
};

enum class ReserveError { kProductNotFound, kSaleNotOpen, kPurchaseLimitExceeded, kInsufficientStock };
// The API's problem code of each (API.md, POST /orders): "product_not_found", "sale_not_open",
// "purchase_limit_exceeded", "insufficient_stock".
std::string_view error_code(ReserveError error);

// Why a basket was not reserved, told for its first line (in basket order) that cannot be. Nothing
// of the basket was reserved.
struct ReserveRefused {
  ReserveError reason;
  std::string product_id;
  std::int64_t requested = 0;                                           // units of the product in the basket
  std::int64_t available = 0;                                           // kInsufficientStock: units there are
  std::optional<infra::clock::TimePoint> sale_opens_at = std::nullopt;  // kSaleNotOpen
  std::int64_t purchase_limit = 0;  // kPurchaseLimitExceeded: the product's limit
  std::int64_t already_bought = 0;  // kPurchaseLimitExceeded: held and bought before
};

// Why a reservation did not move: there is none for the order, or it is in a state the call does
// not leave from (a released reservation cannot be sold, a reserved one cannot be restocked).
struct TransitionRefused {
  enum class Reason { kUnknownOrder, kWrongState } reason;
  std::optional<ReservationStatus> status = std::nullopt;  // kWrongState: where it is
};

class Catalog {
 public:
  virtual ~Catalog() = default;

  // The products with these ids, deleted ones included; ids of no product are left out.
  virtual std::vector<ProductSummary> products(infra::db::Tx& tx, std::span<const std::string> ids) const = 0;

  // Reserves every line or none (any number of lines, in a few statements). The customer's units
  // of a product across all their live reservations and sales may not exceed its purchase limit,
  // however many baskets race. Repeated for an order id, it answers the reservation made first and
  // changes nothing.
  virtual infra::domain::Outcome<Reservation, ReserveRefused> reserve(
      infra::db::Tx& tx, const ReserveRequest& request) const = 0;
  // reserved -> released: the units are available again.
  virtual infra::domain::Outcome<infra::domain::Done, TransitionRefused> release(
      infra::db::Tx& tx, std::string_view order_id) const = 0;
  // reserved -> sold: the units leave the stock on hand.
  virtual infra::domain::Outcome<infra::domain::Done, TransitionRefused> commit(
      infra::db::Tx& tx, std::string_view order_id) const = 0;
  // sold -> restocked: the units are on hand and available again.
  virtual infra::domain::Outcome<infra::domain::Done, TransitionRefused> restock(
      infra::db::Tx& tx, std::string_view order_id) const = 0;

  virtual std::optional<Reservation> reservation(infra::db::Tx& tx, std::string_view order_id) const = 0;
};

}  // namespace shop::catalog
