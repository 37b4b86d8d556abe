// The shared HTTP fixture itself: its accounts have the roles they claim, and a second process on
// the same database serves them too.
#include "support/shop_fixture.hpp"
#include "support/problem_assertions.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using shop::test::expect_problem;
using shop::test::Shop;
using shop::test::string_at;

TEST_CASE("the fixture's customer, seller and admin are signed in with their roles", "[http][fixture]") {
  Shop shop;
  CHECK(string_at(shop.call("GET", "/me", nullptr, shop.customer().access_token).json(), "role") ==
        "customer");
  CHECK(string_at(shop.call("GET", "/me", nullptr, shop.seller().access_token).json(), "role") == "seller");
  CHECK(string_at(shop.call("GET", "/me", nullptr, shop.admin().access_token).json(), "role") == "admin");
  CHECK(shop.customer().id != shop.seller().id);

  expect_problem(shop.call("GET", "/admin/events/dead-letters", nullptr, shop.seller().access_token), 403,
                 "forbidden");
  CHECK(shop.call("GET", "/admin/events/dead-letters", nullptr, shop.admin().access_token).status == 200);
  expect_problem(shop.call("GET", "/me"), 401, "unauthorized");
}

TEST_CASE("a second process of the fixture serves the same accounts", "[http][fixture]") {
  Shop shop;
  const auto& customer = shop.customer();
  const auto other = shop.start_another();
  const auto me = other->call("GET", "/me", nullptr, customer.access_token);
  REQUIRE(me.status == 200);
  CHECK(string_at(me.json(), "id") == customer.id);
  CHECK(string_at(me.json(), "email") == "fixture_customer@example.com");  // the same keys open it
}
