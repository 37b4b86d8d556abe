// The database's own hold on a product's rules (migration 0015 moved the descriptive ones from table
// checks to domains): every INSERT, and every UPDATE that sets a column, is checked; the stock checks
// stay on the table and guard every stock change.
#include "support/project_migrations.hpp"
#include "support/test_database.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using Catch::Matchers::Contains;
using shop::test::query_value;
using shop::test::TestDatabase;

namespace {

// A good product, or one with `column` set to `value` instead.
std::string insert_product(const std::string& column = "", const std::string& value = "") {
  std::vector<std::pair<std::string, std::string>> row{
      {"name", "'Tea'"},      {"description", "'Green'"}, {"price", "1000"}, {"category", "'tea-leaves'"},
      {"image_urls", "'{}'"}, {"purchase_limit", "2"},    {"on_hand", "10"}};
  std::string names = "id, seller_id, created_at, updated_at";
  std::string values = "gen_random_uuid(), gen_random_uuid(), now(), now()";
  for (const auto& [name, good] : row) {
    names += ", " + name;
    values += ", " + (name == column ? value : good);
  }
  return "INSERT INTO catalog.products (" + names + ") VALUES (" + values + ") RETURNING id";
}

}  // namespace

TEST_CASE("the database refuses a product that breaks a rule, on insert and on update", "[db][catalog]") {
  TestDatabase t;
  shop::test::apply_project_migrations(t.url());
  const auto id = query_value(t.url(), insert_product());

  const std::vector<std::pair<std::string, std::string>> bad_values{
      {"name", "''"},
      {"name", "repeat('x', 101)"},
      {"description", "repeat('x', 5001)"},
      {"price", "0"},
      {"price", "100000001"},
      {"category", "'Tea Leaves'"},
      {"category", "repeat('a', 51)"},
      {"image_urls", "array_fill('u'::text, ARRAY[11])"},
      {"purchase_limit", "0"},
      {"on_hand", "-1"}};
  for (const auto& [column, value] : bad_values) {
    INFO(column << " = " << value);
    CHECK_THROWS_WITH(query_value(t.url(), insert_product(column, value)), Contains("check constraint"));
    CHECK_THROWS_WITH(query_value(t.url(), "UPDATE catalog.products SET " + column + " = " + value +
                                               " WHERE id = '" + id + "' RETURNING id"),
                      Contains("check constraint"));
  }
  CHECK(query_value(t.url(), "SELECT count(*) FROM catalog.products") == "1");
  CHECK(query_value(t.url(), "SELECT name || price || category FROM catalog.products") ==
        "Tea1000tea-leaves");
}

TEST_CASE("the database refuses a stock change that reserves more than is on hand", "[db][catalog]") {
  TestDatabase t;
  shop::test::apply_project_migrations(t.url());
  const auto id = query_value(t.url(), insert_product());
  const auto where = " WHERE id = '" + id + "' RETURNING reserved";

  CHECK(query_value(t.url(), "UPDATE catalog.products SET reserved = reserved + 10" + where) == "10");
  CHECK_THROWS_WITH(query_value(t.url(), "UPDATE catalog.products SET reserved = reserved + 1" + where),
                    Contains("products_check"));
  CHECK_THROWS_WITH(query_value(t.url(), "UPDATE catalog.products SET reserved = -1" + where),
                    Contains("products_reserved_check"));
  CHECK_THROWS_WITH(query_value(t.url(), "UPDATE catalog.products SET on_hand = 9" + where),
                    Contains("products_check"));
  CHECK(query_value(t.url(), "SELECT on_hand || '/' || reserved FROM catalog.products") == "10/10");
}
