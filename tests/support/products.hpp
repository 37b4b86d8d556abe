#pragma once

#include "support/shop_fixture.hpp"

#include <boost/json/object.hpp>
#include <catch2/catch.hpp>

#include <string>

// Products for the tests of the modules that sell them.
namespace shop::test {

// The "id" of a created resource's JSON.
inline std::string id_of(const boost::json::value& created) {
  return std::string(created.at("id").as_string());
}

// A product of `seller` with these fields over a valid default (10 in stock); its JSON.
inline boost::json::object create_product(const Shop& shop, const SignedIn& seller,
                                          boost::json::object fields = {}) {
  boost::json::object body{{"name", "녹차 Green tea"}, {"price", 12000}, {"stock", 10}};
  for (const auto& [k, v] : fields) body[k] = v;
  const auto created = shop.call("POST", "/products", body, seller.access_token);
  INFO("creating a product: " << created.body);
  REQUIRE(created.status == 201);
  return created.json().as_object();
}

}  // namespace shop::test
