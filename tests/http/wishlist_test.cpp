// The wishlist through the real binary: add, set and remove items priced by the catalog as it is
// now, deleted products dropping out, and a withdrawn user's wishlist cleared by its subscriber.
#include "support/problem_assertions.hpp"
#include "support/products.hpp"

#include "support/eventually.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

using shop::test::code_of;
using shop::test::create_product;
using shop::test::EnvList;
using shop::test::eventually;
using shop::test::id_of;
using shop::test::query_value;
using shop::test::Shop;
using namespace std::chrono_literals;

namespace {}  // namespace

TEST_CASE("a wishlist adds, sets and removes items, priced and checked by the catalog as it is now",
          "[http][wishlist]") {
  Shop shop(EnvList{{"SHOPD_WISHLIST_MAX_ITEMS", "2"}});
  const auto& seller = shop.seller();
  const auto& customer = shop.customer();
  const auto tea = id_of(create_product(shop, seller, {{"name", "Tea"}, {"price", 3000}, {"stock", 4}}));
  const auto pot = id_of(create_product(shop, seller, {{"name", "Pot"}, {"price", 20000}, {"stock", 1}}));
  const auto cup = id_of(create_product(shop, seller, {{"name", "Cup"}, {"price", 5000}}));
  const auto& token = customer.access_token;

  CHECK(shop.call("GET", "/wishlist", nullptr, token).json() ==
        boost::json::parse(R"({"items":[],"total":0})"));
  REQUIRE(shop.call("PUT", "/wishlist/items/" + tea, {{"quantity", 2}}, token).status == 200);
  const auto set = shop.call("PUT", "/wishlist/items/" + tea, {{"quantity", 5}}, token);
  REQUIRE(set.status == 200);
  CHECK(set.json().at("items").as_array().size() == 1);
  const auto both = shop.call("PUT", "/wishlist/items/" + pot, {{"quantity", 1}}, token);
  REQUIRE(both.status == 200);
  CHECK(both.json() ==
        boost::json::parse(fmt::format(
            R"({{"items":[{{"product_id":"{}","name":"Tea","price":3000,"quantity":5,"line_total":15000,)"
            R"("available":4}},{{"product_id":"{}","name":"Pot","price":20000,"quantity":1,)"
            R"("line_total":20000,"available":1}}],"total":35000}})",
            tea, pot)));
  const auto full = shop.call("PUT", "/wishlist/items/" + cup, {{"quantity", 1}}, token);
  CHECK(full.status == 409);
  CHECK(code_of(full) == "wishlist_full");

  for (const auto& body : {boost::json::object{{"quantity", 0}}, boost::json::object{{"quantity", 1000}},
                           boost::json::object{{"quantity", "two"}}, boost::json::object{}}) {
    const auto bad = shop.call("PUT", "/wishlist/items/" + tea, body, token);
    CHECK(bad.status == 400);
  }
  for (const auto& missing :
       {std::string("00000000-0000-4000-8000-000000000000"), std::string("not-an-id")}) {
    const auto unknown = shop.call("PUT", "/wishlist/items/" + missing, {{"quantity", 1}}, token);
    CHECK(unknown.status == 404);
    CHECK(code_of(unknown) == "product_not_found");
  }

  // What the catalog says now: a new price, and a deleted product drops out.
  REQUIRE(shop.call("PATCH", "/products/" + tea, {{"price", 2500}}, seller.access_token).status == 200);
  REQUIRE(shop.call("DELETE", "/products/" + pot, nullptr, seller.access_token).status == 204);
  const auto now = shop.call("GET", "/wishlist", nullptr, token).json();
  REQUIRE(now.at("items").as_array().size() == 1);
  CHECK(now.at("items").as_array()[0].at("line_total") == 12500);
  CHECK(now.at("total") == 12500);
  CHECK(shop.call("PUT", "/wishlist/items/" + pot, {{"quantity", 1}}, token).status == 404);

  // Each customer has their own.
  const auto other = shop.account("customer_two", "customer");
  CHECK(shop.call("GET", "/wishlist", nullptr, other.access_token).json().at("items").as_array().empty());
  CHECK(shop.call("DELETE", "/wishlist/items/" + tea, nullptr, other.access_token).status == 404);

  CHECK(shop.call("DELETE", "/wishlist/items/" + tea, nullptr, token).status == 204);
  const auto again = shop.call("DELETE", "/wishlist/items/" + tea, nullptr, token);
  CHECK(again.status == 404);
  CHECK(code_of(again) == "not_found");
  CHECK(shop.call("GET", "/wishlist").status == 401);
  CHECK(shop.call("PUT", "/wishlist/items/" + tea, {{"quantity", 1}}).status == 401);
}

TEST_CASE("a withdrawn user's wishlist is cleared, once, by the UserWithdrawn subscriber",
          "[http][wishlist]") {
  Shop shop;
  const auto& seller = shop.seller();
  const auto& leaving = shop.customer();
  const auto staying = shop.account("customer_two", "customer");
  const auto tea = id_of(create_product(shop, seller));
  for (const auto* who : {&leaving, &staying}) {
    REQUIRE(shop.call("PUT", "/wishlist/items/" + tea, {{"quantity", 1}}, who->access_token).status == 200);
  }
  REQUIRE(shop.call("DELETE", "/me", {{"password", "correct horse"}}, leaving.access_token).status == 204);
  const auto items_of = [&](const std::string& user) {
    return query_value(shop.db().url(), "SELECT count(*) FROM wishlist.items WHERE user_id = '" + user + "'");
  };
  CHECK(eventually([&] { return items_of(leaving.id) == "0"; }, 10s));
  CHECK(items_of(staying.id) == "1");
  CHECK(query_value(shop.db().url(),
                    "SELECT count(*) FROM shopd.event_deliveries WHERE subscriber ="
                    " 'wishlist.withdrawn_user' AND handled_at IS NOT NULL") == "1");
}
