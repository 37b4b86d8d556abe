#include "order_store.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <map>

namespace shop::order {
namespace {

using infra::db::Bytes;
using infra::db::Rows;
using infra::db::Statement;
using infra::db::Tx;

// An order row with its payment and its delivery, if it has them.
#define SHOP_ORDER_COLUMNS                                                                                  \
  "o.id, o.customer_id, o.status, o.total_amount, o.payment_order_id, o.shipping_address_ct, o.expires_at," \
  " o.created_at, o.updated_at, o.payment_id, o.payment_method, o.paid_at, o.refunded_at, d.status,"        \
  " d.tracking_number, d.shipped_at, d.delivered_at, d.return_reason, d.return_requested_at, d.returned_at" \
  " FROM orders.orders o LEFT JOIN orders.deliveries d ON d.order_id = o.id"

// The order and every line in one statement, whatever their number.
constexpr Statement kInsertOrder{
    "orders.insert_order",
    "WITH o AS (INSERT INTO orders.orders (id, customer_id, status, total_amount, payment_order_id,"
    " shipping_address_ct, expires_at, created_at, updated_at)"
    " VALUES ($1, $2, 'pending_payment', $3, $4, $5, $6, $7, $7) RETURNING id)"
    " INSERT INTO orders.order_lines (order_id, line_no, product_id, seller_id, name, unit_price, quantity)"
    " SELECT o.id, l.line_no, l.product_id, l.seller_id, l.name, l.unit_price, l.quantity"
    " FROM o, unnest($8::uuid[], $9::uuid[], $10::text[], $11::bigint[], $12::integer[])"
    " WITH ORDINALITY AS l(product_id, seller_id, name, unit_price, quantity, line_no)"};
constexpr Statement kFindOrder{"orders.find_order", "SELECT " SHOP_ORDER_COLUMNS " WHERE o.id = $1"};
constexpr Statement kLines{
    "orders.lines_of_orders",
    "SELECT order_id, product_id, seller_id, name, unit_price, quantity FROM orders.order_lines"
    " WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line_no"};
constexpr Statement kSellerLines{
    "orders.seller_lines_of_orders",
    "SELECT order_id, product_id, seller_id, name, unit_price, quantity FROM orders.order_lines"
    " WHERE order_id = ANY($1::uuid[]) AND seller_id = $2 ORDER BY order_id, line_no"};

// The lists, newest first, keyset-paged on (created_at, id); $2/$3 is the cursor (a first page passes
// 'infinity'), $4 the limit, $5 the status where there is one.
#define SHOP_ORDER_PAGE " AND (o.created_at, o.id) < ($2, $3) ORDER BY o.created_at DESC, o.id DESC LIMIT $4"
constexpr Statement kCustomerOrders{"orders.customer_orders",
                                    "SELECT " SHOP_ORDER_COLUMNS " WHERE o.customer_id = $1" SHOP_ORDER_PAGE};
constexpr Statement kCustomerOrdersByStatus{"orders.customer_orders_by_status",
                                            "SELECT " SHOP_ORDER_COLUMNS
                                            " WHERE o.customer_id = $1 AND o.status = $5" SHOP_ORDER_PAGE};
constexpr Statement kSellerOrders{
    "orders.seller_orders",
    "SELECT " SHOP_ORDER_COLUMNS
    " WHERE o.id IN"
    " (SELECT order_id FROM orders.order_lines WHERE seller_id = $1)" SHOP_ORDER_PAGE};
constexpr Statement kSellerOrdersByStatus{
    "orders.seller_orders_by_status",
    "SELECT " SHOP_ORDER_COLUMNS
    " WHERE o.id IN"
    " (SELECT order_id FROM orders.order_lines WHERE seller_id = $1) AND o.status = $5" SHOP_ORDER_PAGE};
// $1 is unused by these two, so that every list takes the same parameters.
constexpr Statement kAllOrders{"orders.all_orders",
                               "SELECT " SHOP_ORDER_COLUMNS " WHERE $1::text IS NOT NULL" SHOP_ORDER_PAGE};
constexpr Statement kAllOrdersByStatus{"orders.all_orders_by_status",
                                       "SELECT " SHOP_ORDER_COLUMNS
                                       " WHERE $1::text IS NOT NULL AND o.status = $5" SHOP_ORDER_PAGE};

constexpr std::string_view kAddressColumn = "orders.orders.shipping_address";
constexpr std::string_view kLastUuid = "ffffffff-ffff-ffff-ffff-ffffffffffff";

Order order_from_row(const OrderContext& ctx, const infra::db::Row& row) {
  Order o;
  o.id = row.string(0);
  o.customer_id = row.string(1);
  o.status = parse_status(row.text(2)).value_or(OrderStatus::kPendingPayment);
  o.total_amount = row.integer(3);
  o.payment_order_id = row.string(4);
  const auto address = ctx.cipher.decrypt(row.bytes(5), std::string(kAddressColumn) + ":" + o.id);
  if (!address) throw std::runtime_error("the shipping address of an order does not decrypt");
  o.shipping_address = boost::json::parse(*address).as_object();
  o.expires_at = row.optional_time(6);
  o.created_at = row.time(7);
  o.updated_at = row.time(8);
  if (!row.is_null(9)) {
    o.payment = OrderPayment{.payment_id = row.string(9),
                             .method = row.optional_string(10),
                             .paid_at = row.time(11),
                             .refunded_at = row.optional_time(12)};
  }
  if (!row.is_null(13)) {
    o.delivery = Delivery{.status = row.string(13),
                          .tracking_number = row.optional_string(14),
                          .shipped_at = row.optional_time(15),
                          .delivered_at = row.optional_time(16),
                          .return_reason = row.optional_string(17),
                          .return_requested_at = row.optional_time(18),
                          .returned_at = row.optional_time(19)};
  }
  return o;
}

// Reads the orders of `rows` with their lines (one statement for all of them).
std::vector<Order> with_lines(const OrderContext& ctx, Tx& tx, const Rows& rows,
                              const std::optional<std::string>& only_seller) {
  std::vector<Order> orders;
  std::vector<std::string> ids;
  std::map<std::string, std::size_t, std::less<>> index;
  for (const auto row : rows) {
    orders.push_back(order_from_row(ctx, row));
    ids.push_back(orders.back().id);
    index.emplace(ids.back(), orders.size() - 1);
  }
  if (orders.empty()) return orders;
  // The lines are looked up by the orders' ids, an array: planned anew on every call otherwise.
  tx.use_generic_plans();
  const auto lines = only_seller ? tx.query(kSellerLines, ids, *only_seller) : tx.query(kLines, ids);
  for (const auto line : lines) {
    orders[index.find(line.text(0))->second].items.push_back(
        {line.string(1), line.string(2), line.string(3), line.integer(4), line.integer(5)});
  }
  return orders;
}

}  // namespace

void insert_order(const OrderContext& ctx, Tx& tx, const Order& o) {
  const auto sealed = ctx.cipher.encrypt(boost::json::serialize(o.shipping_address),
                                         std::string(kAddressColumn) + ":" + o.id);
  std::vector<std::string> products, sellers, names;
  std::vector<std::int64_t> prices, quantities;
  for (const auto& l : o.items) {
    products.push_back(l.product_id);
    sellers.push_back(l.seller_id);
    names.push_back(l.name);
    prices.push_back(l.unit_price);
    quantities.push_back(l.quantity);
  }
  tx.defer(kInsertOrder, o.id, o.customer_id, o.total_amount, o.payment_order_id, Bytes{sealed}, o.expires_at,
           o.created_at, products, sellers, names, prices, quantities);
}

std::optional<Order> load_order(const OrderContext& ctx, Tx& tx, std::string_view order_id) {
  auto orders = with_lines(ctx, tx, tx.query(kFindOrder, order_id), std::nullopt);
  if (orders.empty()) return std::nullopt;
  return std::move(orders.front());
}

std::vector<Order> list_orders(const OrderContext& ctx, Tx& tx, const OrderFilter& f) {
  using Scope = OrderFilter::Scope;
  const Statement* statement = nullptr;
  switch (f.scope) {
    case Scope::kCustomer:
      statement = f.status ? &kCustomerOrdersByStatus : &kCustomerOrders;
      break;
    case Scope::kSeller:
      statement = f.status ? &kSellerOrdersByStatus : &kSellerOrders;
      break;
    case Scope::kAll:
      statement = f.status ? &kAllOrdersByStatus : &kAllOrders;
      break;
  }
  const infra::db::Param after_created =
      f.after_created ? infra::db::Param(*f.after_created) : infra::db::Param(infra::clock::TimePoint::max());
  const std::string after_id = f.after_created ? f.after_id : std::string(kLastUuid);
  infra::db::Params params{f.user_id, after_created, after_id, f.limit};
  if (f.status) params.emplace_back(status_name(*f.status));
  const auto rows = tx.run(*statement, params);
  return with_lines(ctx, tx, rows, f.scope == Scope::kSeller ? std::optional(f.user_id) : std::nullopt);
}

}  // namespace shop::order
