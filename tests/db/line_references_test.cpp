// The references that migration 0014 checks once per statement instead of with foreign keys: a line
// needs its parents, a parent that lines refer to stays (or takes its lines with it), and no key
// of either side changes.
#include "support/project_migrations.hpp"
#include "support/test_database.hpp"

#include <catch2/catch.hpp>

#include <string>

using Catch::Matchers::Contains;
using shop::test::query_value;
using shop::test::TestDatabase;

namespace {

constexpr const char* kProduct = "00000000-0000-4000-8000-000000000001";
constexpr const char* kOther = "00000000-0000-4000-8000-000000000002";
constexpr const char* kOrder = "00000000-0000-4000-8000-0000000000a1";

std::string insert_product(const std::string& id) {
  return "INSERT INTO catalog.products (id, seller_id, name, description, price, on_hand, created_at, "
         "updated_at) VALUES ('" +
         id + "', gen_random_uuid(), 'Tea', '', 1000, 10, now(), now());";
}

std::string insert_reservation(const std::string& order) {
  return "INSERT INTO catalog.reservations (order_id, customer_id, status, created_at, updated_at) "
         "VALUES ('" +
         order + "', gen_random_uuid(), 'reserved', now(), now());";
}

// One line per product, in one statement.
std::string insert_lines(const std::string& order, const std::string& products) {
  return "INSERT INTO catalog.reservation_lines (order_id, product_id, quantity, name, unit_price, "
         "seller_id) SELECT '" +
         order + "', p, 1, 'Tea', 1000, gen_random_uuid() FROM unnest('{" + products + "}'::uuid[]) p;";
}

std::string insert_order(const std::string& id) {
  return "INSERT INTO orders.orders (id, customer_id, status, total_amount, payment_order_id, "
         "shipping_address_ct, created_at, updated_at) VALUES ('" +
         id + "', gen_random_uuid(), 'pending_payment', 1000, '" + id + "', '\\x00', now(), now());";
}

std::string insert_order_lines(const std::string& order, int count) {
  return "INSERT INTO orders.order_lines (order_id, line_no, product_id, seller_id, name, unit_price, "
         "quantity) SELECT '" +
         order + "', n, gen_random_uuid(), gen_random_uuid(), 'Tea', 1000, 1 FROM generate_series(1, " +
         std::to_string(count) + ") n;";
}

}  // namespace

TEST_CASE("a reservation line needs its product and its reservation, checked for the whole statement",
          "[db][catalog]") {
  TestDatabase t;
  shop::test::apply_project_migrations(t.url());
  query_value(t.url(), insert_product(kProduct) + insert_product(kOther) + insert_reservation(kOrder));

  // One missing product among present ones fails the statement, and none of its lines stay.
  CHECK_THROWS_WITH(query_value(t.url(), insert_lines(kOrder, std::string(kProduct) + "," + kOther +
                                                                  ",00000000-0000-4000-8000-00000000dead")),
                    Contains("catalog.products"));
  CHECK(query_value(t.url(), "SELECT count(*) FROM catalog.reservation_lines") == "0");
  CHECK_THROWS_WITH(query_value(t.url(), insert_lines("00000000-0000-4000-8000-0000000000b2", kProduct)),
                    Contains("catalog.reservations"));

  query_value(t.url(), insert_lines(kOrder, std::string(kProduct) + "," + kOther));
  CHECK(query_value(t.url(), "SELECT count(*) FROM catalog.reservation_lines") == "2");
}

TEST_CASE("a product or a reservation that lines refer to cannot be deleted or re-keyed", "[db][catalog]") {
  TestDatabase t;
  shop::test::apply_project_migrations(t.url());
  query_value(t.url(), insert_product(kProduct) + insert_product(kOther) + insert_reservation(kOrder) +
                           insert_lines(kOrder, kProduct));

  CHECK_THROWS_WITH(query_value(t.url(), "DELETE FROM catalog.products"), Contains("still referred to"));
  CHECK_THROWS_WITH(query_value(t.url(), "DELETE FROM catalog.reservations"), Contains("still referred to"));
  CHECK(query_value(t.url(), "SELECT count(*) FROM catalog.products") == "2");
  CHECK_THROWS_WITH(query_value(t.url(), "UPDATE catalog.products SET id = gen_random_uuid()"),
                    Contains("never changes"));
  CHECK_THROWS_WITH(
      query_value(t.url(), std::string("UPDATE catalog.reservation_lines SET product_id = '") + kOther + "'"),
      Contains("never changes"));
  // What nothing refers to goes; a product's other columns change as ever.
  query_value(t.url(), std::string("DELETE FROM catalog.products WHERE id = '") + kOther + "'");
  query_value(t.url(), "UPDATE catalog.products SET on_hand = 5");
  CHECK(query_value(t.url(), "SELECT count(*) FROM catalog.products WHERE on_hand = 5") == "1");
}

TEST_CASE("order lines need their order and go with it", "[db][orders]") {
  TestDatabase t;
  shop::test::apply_project_migrations(t.url());
  CHECK_THROWS_WITH(query_value(t.url(), insert_order_lines(kOrder, 3)), Contains("orders.orders"));

  query_value(t.url(), insert_order(kOrder) + insert_order_lines(kOrder, 1000));
  CHECK(query_value(t.url(), "SELECT count(*) FROM orders.order_lines") == "1000");
  CHECK_THROWS_WITH(query_value(t.url(), "UPDATE orders.orders SET id = gen_random_uuid()"),
                    Contains("never changes"));
  query_value(t.url(), "DELETE FROM orders.orders");
  CHECK(query_value(t.url(), "SELECT count(*) FROM orders.order_lines") == "0");
}
