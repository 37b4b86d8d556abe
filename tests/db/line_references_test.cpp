// The references of lines without foreign keys: an order's lines (migration 0014, checked once per
// statement) need their order and go with it; a reservation's lines (migration 0016, an array in its
// row) are one per product with a positive quantity, and keep the products they hold. No key of
// either side changes.
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

// A reservation of `quantity` units of each of `products` (a comma-separated list, repeats kept).
std::string insert_reservation(const std::string& order, const std::string& products, int quantity = 1) {
  return "INSERT INTO catalog.reservations (order_id, customer_id, status, created_at, updated_at, lines) "
         "SELECT '" +
         order + "', gen_random_uuid(), 'reserved', now(), now(), coalesce(array_agg(ROW(p, " +
         std::to_string(quantity) +
         ", 'Tea', 1000, gen_random_uuid())::catalog.reserved_line), '{}') FROM unnest('{" + products +
         "}'::uuid[]) p;";
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

TEST_CASE("a reservation has at least one line, one per product, each for a positive quantity",
          "[db][catalog]") {
  TestDatabase t;
  shop::test::apply_project_migrations(t.url());
  const std::string both = std::string(kProduct) + "," + kOther;

  CHECK_THROWS_WITH(query_value(t.url(), insert_reservation(kOrder, "")), Contains("reserved_lines"));
  CHECK_THROWS_WITH(query_value(t.url(), insert_reservation(kOrder, both + "," + kProduct)),
                    Contains("reserved_lines"));
  CHECK_THROWS_WITH(query_value(t.url(), insert_reservation(kOrder, both, 0)), Contains("reserved_lines"));
  CHECK(query_value(t.url(), "SELECT count(*) FROM catalog.reservations") == "0");

  query_value(t.url(), insert_reservation(kOrder, both));
  CHECK(query_value(t.url(), "SELECT sum(l.quantity) FROM catalog.reservations r, unnest(r.lines) AS l") ==
        "2");
  CHECK_THROWS_WITH(query_value(t.url(), "UPDATE catalog.reservations SET lines = '{}'"),
                    Contains("reserved_lines"));
}

TEST_CASE("a product that a reservation holds cannot be deleted, and no key changes", "[db][catalog]") {
  TestDatabase t;
  shop::test::apply_project_migrations(t.url());
  query_value(t.url(),
              insert_product(kProduct) + insert_product(kOther) + insert_reservation(kOrder, kProduct));

  CHECK_THROWS_WITH(query_value(t.url(), "DELETE FROM catalog.products"), Contains("still referred to"));
  CHECK(query_value(t.url(), "SELECT count(*) FROM catalog.products") == "2");
  CHECK_THROWS_WITH(query_value(t.url(), "UPDATE catalog.products SET id = gen_random_uuid()"),
                    Contains("never changes"));
  CHECK_THROWS_WITH(query_value(t.url(), "UPDATE catalog.reservations SET order_id = gen_random_uuid()"),
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
