#pragma once

#include "support/pg_standin_process.hpp"
#include "support/products.hpp"
#include "support/test_database.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>

// Orders and their payment, for the tests of the payment and the life of an order after it.
namespace shop::test {

// shopd pointed at the gateway stand-in, with short timeouts and waits so that retries,
// reconciliation and the breaker take seconds.
inline EnvList gateway_env(const PgStandinProcess& pg, const EnvList& extra = {}) {
  EnvList env{{"SHOPD_GATEWAY_URL", pg.url()},         {"SHOPD_GATEWAY_SECRET_KEY", pg.secret_key()},
              {"SHOPD_GATEWAY_READ_TIMEOUT", "400ms"}, {"SHOPD_GATEWAY_MAX_ATTEMPTS", "3"},
              {"SHOPD_GATEWAY_BACKOFF", "50ms"},       {"SHOPD_RECONCILE_AFTER", "1s"},
              {"SHOPD_RECONCILE_INTERVAL", "200ms"}};
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// A customer's order of `quantity` units of `product`, to a fresh address: its id and total.
inline std::pair<std::string, std::int64_t> order_of(const Shop& shop, const SignedIn& who,
                                                     const std::string& product, int quantity = 1) {
  const auto address = shop.call("POST", "/me/addresses",
                                 {{"recipient", "김지우"},
                                  {"phone", "010-1234-5678"},
                                  {"zip_code", "06236"},
                                  {"line1", "서울 강남구 테헤란로 1"}},
                                 who.access_token);
  REQUIRE(address.status == 201);
  boost::json::array items{{{"product_id", product}, {"quantity", quantity}}};
  const auto placed =
      shop.call("POST", "/orders", {{"address_id", id_of(address.json())}, {"items", items}},
                who.access_token, {{"Idempotency-Key", "order-" + product + std::to_string(quantity)}});
  REQUIRE(placed.status == 201);
  return {id_of(placed.json()), placed.json().at("total_amount").as_int64()};
}

inline HttpResponse confirm(const ShopServer& server, const SignedIn& who, const std::string& order,
                            const std::string& key, std::int64_t amount, const HeaderList& headers = {}) {
  return server.call("POST", "/payments/confirm",
                     {{"order_id", order}, {"payment_key", key}, {"amount", amount}}, who.access_token,
                     headers);
}

inline std::string order_status(const Shop& shop, const std::string& order) {
  return query_value(shop.db().url(), "SELECT status FROM orders.orders WHERE id = '" + order + "'");
}

// "on_hand/reserved" of a product, as the database holds it.
inline std::string stock_of(const Shop& shop, const std::string& product) {
  return query_value(shop.db().url(),
                     "SELECT on_hand || '/' || reserved FROM catalog.products WHERE id = '" + product + "'");
}

}  // namespace shop::test
