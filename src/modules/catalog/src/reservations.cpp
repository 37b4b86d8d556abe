#include "reservations.hpp"

#include "change_announcements.hpp"
#include "product.hpp"

#include "shop/infra/domain/uuid.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace shop::catalog {
namespace {

using infra::db::Statement;
using infra::db::Tx;
using infra::domain::Done;
using infra::domain::fail;
using infra::domain::Outcome;

// Locks the basket's products in id order and reads them as they are once locked: under READ
// COMMITTED a row this waited for is returned as its locker committed it, so deleted, sale_opens_at,
// the stock and the limit are current.
constexpr Statement kLockBasket{
    "catalog.lock_basket",
    "SELECT id, deleted_at IS NULL, sale_opens_at, on_hand - reserved, purchase_limit, name, price,"
    " seller_id FROM catalog.products WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE"};
// What the customer holds or bought of the limited products among them. A statement of its own after
// the lock: it sees every basket of theirs committed while this one waited for the rows.
constexpr Statement kHeldByCustomer{
    "catalog.held_by_customer",
    "SELECT l.product_id, sum(l.quantity) FROM catalog.reservations r, unnest(r.lines) AS l"
    " WHERE r.customer_id = $2 AND r.status IN ('reserved', 'sold') AND l.product_id = ANY($1::uuid[])"
    " GROUP BY l.product_id"};
// Creates the reservation with its lines, at the names, prices and sellers the locked products have,
// and takes their stock, unless the order was reserved before (then it takes nothing). The products
// are locked and judged by then, so each line is taken.
constexpr Statement kTakeBasket{
    "catalog.take_basket",
    "WITH claimed AS ("
    "  INSERT INTO catalog.reservations (order_id, customer_id, status, created_at, updated_at, lines)"
    "  SELECT $1, $4, 'reserved', $5, $5, array_agg(ROW(b.id, b.quantity, b.name, b.price, b.seller_id)"
    "    ::catalog.reserved_line ORDER BY b.id)"
    "  FROM unnest($2::uuid[], $3::bigint[], $6::text[], $7::bigint[], $8::uuid[])"
    "    AS b(id, quantity, name, price, seller_id)"
    "  ON CONFLICT (order_id) DO NOTHING RETURNING order_id)"
    " UPDATE catalog.products p SET reserved = p.reserved + b.quantity"
    " FROM claimed, unnest($2::uuid[], $3::bigint[]) AS b(id, quantity)"
    " WHERE p.id = b.id AND p.deleted_at IS NULL AND p.on_hand - p.reserved >= b.quantity"};

// The lines of reservation $1, for a statement's FROM.
#define SHOP_LINES_OF_RESERVATION " catalog.reservations r, unnest(r.lines) AS l WHERE r.order_id = $1"
constexpr Statement kFind{"catalog.find_reservation",
                          "SELECT customer_id, status FROM catalog.reservations WHERE order_id = $1"};
constexpr Statement kFindLines{"catalog.reservation_lines",
                               "SELECT l.product_id, l.seller_id, l.name, l.unit_price, l.quantity"
                               " FROM" SHOP_LINES_OF_RESERVATION " ORDER BY l.product_id"};
constexpr Statement kMove{"catalog.move_reservation",
                          "UPDATE catalog.reservations SET status = $3, updated_at = $4"
                          " WHERE order_id = $1 AND status = $2"};
constexpr Statement kLockHeld{"catalog.lock_reserved_products",
                              "SELECT p.id FROM catalog.products p, " SHOP_LINES_OF_RESERVATION
                              " AND p.id = l.product_id ORDER BY p.id FOR UPDATE OF p"};
constexpr Statement kRelease{"catalog.release_stock",
                             "UPDATE catalog.products p SET reserved = p.reserved - l.quantity"
                             " FROM" SHOP_LINES_OF_RESERVATION " AND p.id = l.product_id RETURNING p.id"};
constexpr Statement kSell{"catalog.sell_stock",
                          "UPDATE catalog.products p SET on_hand = p.on_hand - l.quantity,"
                          " reserved = p.reserved - l.quantity"
                          " FROM" SHOP_LINES_OF_RESERVATION " AND p.id = l.product_id RETURNING p.id"};
constexpr Statement kRestock{"catalog.restock",
                             "UPDATE catalog.products p SET on_hand = p.on_hand + l.quantity"
                             " FROM" SHOP_LINES_OF_RESERVATION " AND p.id = l.product_id RETURNING p.id"};
#undef SHOP_LINES_OF_RESERVATION

// A reservation's moves: from one status to the next, by one statement over all its lines.
struct Move {
  ReservationStatus from;
  ReservationStatus to;
  const Statement& stock;
  std::string_view cause;  // StockChanged::cause
};
constexpr Move kReleaseMove{ReservationStatus::kReserved, ReservationStatus::kReleased, kRelease, "released"};
constexpr Move kCommitMove{ReservationStatus::kReserved, ReservationStatus::kSold, kSell, "sold"};
constexpr Move kRestockMove{ReservationStatus::kSold, ReservationStatus::kRestocked, kRestock, "restocked"};

std::optional<ReservationStatus> parse_status(std::string_view text) {
  for (auto s : {ReservationStatus::kReserved, ReservationStatus::kReleased, ReservationStatus::kSold,
                 ReservationStatus::kRestocked}) {
    if (status_name(s) == text) return s;
  }
  return std::nullopt;
}

void require_uuid(std::string_view text, const char* what) {
  if (!infra::domain::is_uuid(text)) throw std::invalid_argument(std::string(what) + " must be a UUID");
}

// The basket with lines of one product added up (however its id is spelled), in the order each
// product first appears.
std::vector<BasketLine> merge_lines(const std::vector<BasketLine>& lines) {
  std::vector<BasketLine> merged;
  std::unordered_map<std::string, std::size_t> at;
  for (const auto& line : lines) {
    if (line.quantity < 1) throw std::invalid_argument("a basket line's quantity must be at least 1");
    auto id = canonical_id(line.product_id);
    const auto [found, inserted] = at.emplace(id, merged.size());
    if (inserted) {
      merged.push_back({std::move(id), line.quantity});
    } else {
      merged[found->second].quantity += line.quantity;
    }
  }
  return merged;
}

// A basket's product as kLockBasket read it, with what the customer holds of it if it is limited.
struct LockedProduct {
  bool live = false;  // not deleted
  std::optional<infra::clock::TimePoint> sale_opens_at;
  std::int64_t available = 0;
  std::optional<std::int64_t> purchase_limit;
  std::int64_t held = 0;
  std::string name;
  std::int64_t price = 0;
  std::string seller_id;
};

// The basket's products, locked, by id (a product that does not exist is missing).
std::unordered_map<std::string, LockedProduct> lock_basket(Tx& tx, const std::vector<std::string>& ids,
                                                           const std::string& customer_id) {
  std::unordered_map<std::string, LockedProduct> locked;
  std::vector<std::string> limited;
  for (const auto row : tx.query(kLockBasket, ids)) {
    auto& p = locked[row.string(0)];
    p = {.live = row.boolean(1),
         .sale_opens_at = row.optional_time(2),
         .available = row.integer(3),
         .purchase_limit = row.optional_integer(4),
         .name = row.string(5),
         .price = row.integer(6),
         .seller_id = row.string(7)};
    if (p.purchase_limit) limited.push_back(row.string(0));
  }
  if (!limited.empty()) {
    for (const auto row : tx.query(kHeldByCustomer, limited, customer_id)) {
      locked[row.string(0)].held = row.integer(1);
    }
  }
  return locked;
}

// The first reason that the line cannot be reserved from its product (null: there is none).
std::optional<ReserveRefused> refusal(const BasketLine& line, const LockedProduct* p,
                                      infra::clock::TimePoint now) {
  ReserveRefused refused{
      .reason = ReserveError::kProductNotFound, .product_id = line.product_id, .requested = line.quantity};
  if (p == nullptr || !p->live) return refused;
  if (p->sale_opens_at && *p->sale_opens_at > now) {
    refused.reason = ReserveError::kSaleNotOpen;
    refused.sale_opens_at = p->sale_opens_at;
    return refused;
  }
  if (p->purchase_limit && p->held + line.quantity > *p->purchase_limit) {
    refused.reason = ReserveError::kPurchaseLimitExceeded;
    refused.purchase_limit = *p->purchase_limit;
    refused.already_bought = p->held;
    return refused;
  }
  if (p->available < line.quantity) {
    refused.reason = ReserveError::kInsufficientStock;
    refused.available = p->available;
    return refused;
  }
  return std::nullopt;
}

Outcome<Done, TransitionRefused> move(const CatalogContext& ctx, Tx& tx, std::string_view order_id,
                                      const Move& m) {
  if (!infra::domain::is_uuid(order_id))
    return fail(TransitionRefused{TransitionRefused::Reason::kUnknownOrder});
  const std::string id(order_id);
  if (tx.exec(kMove, id, status_name(m.from), status_name(m.to), ctx.clock.now()) == 0) {
    const auto row = tx.query(kFind, id).first();
    if (!row) return fail(TransitionRefused{TransitionRefused::Reason::kUnknownOrder});
    const auto status = parse_status(row->text(1));
    if (status == m.to) return Done{};  // done before: nothing changes
    return fail(TransitionRefused{TransitionRefused::Reason::kWrongState, status});
  }
  tx.defer(kLockHeld, id);
  std::vector<std::string> product_ids;
  for (const auto row : tx.query(m.stock, id)) product_ids.push_back(row.string(0));
  announce_stock_change(tx, StockChanged{std::move(product_ids), std::string(m.cause), id});
  return Done{};
}

}  // namespace

std::optional<Reservation> find_reservation(Tx& tx, std::string_view order_id) {
  if (!infra::domain::is_uuid(order_id)) return std::nullopt;
  const std::string id(order_id);
  const auto row = tx.query(kFind, id).first();
  if (!row) return std::nullopt;
  Reservation r{.order_id = id,
                .customer_id = row->string(0),
                .status = parse_status(row->text(1)).value_or(ReservationStatus::kReserved)};
  for (const auto line : tx.query(kFindLines, id)) {
    r.lines.push_back({line.string(0), line.string(1), line.string(2), line.integer(3), line.integer(4)});
  }
  return r;
}

Outcome<Reservation, ReserveRefused> reserve(const CatalogContext& ctx, Tx& tx,
                                             const ReserveRequest& request) {
  require_uuid(request.order_id, "order_id");
  require_uuid(request.customer_id, "customer_id");
  if (request.lines.empty()) throw std::invalid_argument("a basket needs at least one line");
  const auto basket = merge_lines(request.lines);
  const auto now = ctx.clock.now();

  // A refused basket may be that of an order reserved before, by a twin that committed while this
  // one waited for the products' locks: that order is answered as it was reserved.
  auto refuse = [&](ReserveRefused refused) -> Outcome<Reservation, ReserveRefused> {
    if (auto before = find_reservation(tx, request.order_id)) return *std::move(before);
    return fail(std::move(refused));
  };
  // An id that is no UUID is no product; the first such line may come before any other failure.
  std::vector<std::string> ids;
  std::vector<std::int64_t> quantities;
  for (const auto& line : basket) {
    if (!infra::domain::is_uuid(line.product_id)) {
      return refuse(ReserveRefused{.reason = ReserveError::kProductNotFound,
                                   .product_id = line.product_id,
                                   .requested = line.quantity});
    }
    ids.push_back(line.product_id);
    quantities.push_back(line.quantity);
  }
  // The basket's statements take arrays, which PostgreSQL would plan anew on every call: planning
  // them took about 0.9 ms for a one-line basket, twice as long as running them.
  tx.use_generic_plans();
  const auto locked = lock_basket(tx, ids, request.customer_id);
  Reservation reservation{.order_id = request.order_id, .customer_id = request.customer_id};
  std::vector<std::string> names;
  std::vector<std::int64_t> prices;
  std::vector<std::string> sellers;
  for (const auto& line : basket) {
    const auto found = locked.find(line.product_id);
    const auto* product = found == locked.end() ? nullptr : &found->second;
    if (auto refused = refusal(line, product, now)) return refuse(std::move(*refused));
    reservation.lines.push_back(
        {line.product_id, product->seller_id, product->name, product->price, line.quantity});
    names.push_back(product->name);
    prices.push_back(product->price);
    sellers.push_back(product->seller_id);
  }
  const auto taken = tx.exec(kTakeBasket, request.order_id, ids, quantities, request.customer_id, now, names,
                             prices, sellers);
  if (taken == 0) return *find_reservation(tx, request.order_id);  // reserved before: answered as it was
  // The rows are locked and were judged sufficient: a shortfall here is a bug, and throwing rolls
  // the caller's transaction back rather than reserving part of the basket.
  if (taken != static_cast<std::int64_t>(basket.size()))
    throw std::logic_error("catalog.take_basket fell short");
  std::sort(reservation.lines.begin(), reservation.lines.end(),
            [](const auto& a, const auto& b) { return a.product_id < b.product_id; });
  announce_stock_change(tx, StockChanged{ids, "reserved", request.order_id});
  return reservation;
}

Outcome<Done, TransitionRefused> release(const CatalogContext& ctx, Tx& tx, std::string_view order_id) {
  return move(ctx, tx, order_id, kReleaseMove);
}

Outcome<Done, TransitionRefused> commit(const CatalogContext& ctx, Tx& tx, std::string_view order_id) {
  return move(ctx, tx, order_id, kCommitMove);
}

Outcome<Done, TransitionRefused> restock(const CatalogContext& ctx, Tx& tx, std::string_view order_id) {
  return move(ctx, tx, order_id, kRestockMove);
}

}  // namespace shop::catalog
