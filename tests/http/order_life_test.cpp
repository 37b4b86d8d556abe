// The life of a paid order through the real binary, against the gateway stand-in over real HTTP:
// shipping and delivery by the timed steps, a return and its refund, the cancel of a paid order and
// its refund retried while the gateway is down, the return window, settlement, the customer's mail,
// and two processes taking each step once.
#include "support/checkout.hpp"
#include "support/eventually.hpp"
#include "support/problem_assertions.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using shop::test::confirm;
using shop::test::create_product;
using shop::test::EnvList;
using shop::test::eventually;
using shop::test::expect_problem;
using shop::test::gateway_env;
using shop::test::id_of;
using shop::test::order_of;
using shop::test::order_status;
using shop::test::PgStandinProcess;
using shop::test::query_value;
using shop::test::Shop;
using shop::test::SignedIn;
using shop::test::stock_of;
using namespace std::chrono_literals;

namespace {

// Timed steps in about a second each, taken as soon as they are due.
EnvList life_env(const PgStandinProcess& pg, const EnvList& extra = {}) {
  EnvList env{{"SHOPD_SHIP_AFTER", "1s"},
              {"SHOPD_DELIVER_AFTER", "1s"},
              {"SHOPD_RETURN_WINDOW", "1h"},
              {"SHOPD_RETURN_PROCESSING", "1s"},
              {"SHOPD_ORDER_STEP_INTERVAL", "100ms"},
              {"SHOPD_SCHEDULER_TICK", "50ms"},
              {"SHOPD_REFUND_BACKOFF", "100ms"}};
  env.insert(env.end(), extra.begin(), extra.end());
  return gateway_env(pg, env);
}

boost::json::object order_json(const Shop& shop, const SignedIn& who, const std::string& order) {
  const auto r = shop.call("GET", "/orders/" + order, nullptr, who.access_token);
  REQUIRE(r.status == 200);
  return r.json().as_object();
}

bool reaches(const Shop& shop, const std::string& order, const std::string& status) {
  return eventually([&] { return order_status(shop, order) == status; }, 10s);
}

boost::json::object payment_json(const Shop& shop, const SignedIn& who, const std::string& payment) {
  const auto r = shop.call("GET", "/payments/" + payment, nullptr, who.access_token);
  REQUIRE(r.status == 200);
  return r.json().as_object();
}

bool refunded(const Shop& shop, const SignedIn& who, const std::string& payment) {
  return eventually([&] { return payment_json(shop, who, payment).at("status") == "refunded"; }, 10s);
}

std::string settlement_status(const Shop& shop, const std::string& order) {
  return query_value(
      shop.db().url(),
      "SELECT string_agg(status, ',') FROM payments.settlements WHERE order_id = '" + order + "'");
}

// A paid order of 2 of a product with 5 in stock: the order, its payment and the product.
struct Paid {
  std::string order;
  std::string payment;
  std::string product;
  std::int64_t total = 0;
};

Paid paid_order(Shop& shop, const std::string& key) {
  const auto product = id_of(create_product(shop, shop.seller(), {{"price", 3000}, {"stock", 5}}));
  const auto [order, total] = order_of(shop, shop.customer(), product, 2);
  const auto paid = confirm(shop.server(), shop.customer(), order, key, total);
  REQUIRE(paid.status == 200);
  return {order, std::string(paid.json().at("payment_id").as_string()), product, total};
}

std::size_t mails(Shop& shop, std::string_view subject) {
  return shop.mails_to(shop.customer().username + "@example.com", subject);
}

}  // namespace

TEST_CASE("a paid order ships, is delivered and returned, and the refund, stock and mail follow",
          "[http][orders][payments]") {
  PgStandinProcess pg;
  Shop shop(life_env(pg));
  const auto& customer = shop.customer();
  const auto p = paid_order(shop, "life-1");

  auto order = order_json(shop, customer, p.order);
  CHECK(order.at("status") == "paid");
  CHECK(order.at("delivery").at("status") == "preparing");
  CHECK(order.at("delivery").at("tracking_number").is_null());
  CHECK(order.at("payment").at("payment_id").as_string() == p.payment);
  CHECK(order.at("payment").at("status") == "completed");
  CHECK(order.at("payment").at("method") == "CARD");
  expect_problem(shop.call("POST", "/orders/" + p.order + "/return", nullptr, customer.access_token), 409,
                 "not_delivered");

  REQUIRE(reaches(shop, p.order, "shipping"));
  order = order_json(shop, customer, p.order);
  CHECK(order.at("delivery").at("status") == "shipping");
  CHECK(std::string(order.at("delivery").at("tracking_number").as_string()).starts_with("SHD"));
  CHECK(order.at("delivery").at("shipped_at").is_string());
  // Shipped: too late to cancel; the customer waits for it and returns it.
  expect_problem(shop.call("POST", "/orders/" + p.order + "/cancel", nullptr, customer.access_token), 409,
                 "cannot_cancel");

  REQUIRE(reaches(shop, p.order, "delivered"));
  CHECK(order_json(shop, customer, p.order).at("delivery").at("delivered_at").is_string());
  expect_problem(shop.call("POST", "/orders/" + p.order + "/return", {{"reason", "x"}},
                           shop.account("someone_else", "customer").access_token),
                 404, "not_found");
  const auto returned =
      shop.call("POST", "/orders/" + p.order + "/return", {{"reason", "too small"}}, customer.access_token);
  REQUIRE(returned.status == 200);
  CHECK(returned.json().at("status") == "return_requested");
  CHECK(returned.json().at("delivery").at("return_reason") == "too small");
  expect_problem(shop.call("POST", "/orders/" + p.order + "/return", nullptr, customer.access_token), 409,
                 "not_delivered");
  CHECK(stock_of(shop, p.product) == "3/0");  // the goods are not back yet

  REQUIRE(reaches(shop, p.order, "returned"));
  CHECK(stock_of(shop, p.product) == "5/0");
  REQUIRE(refunded(shop, customer, p.payment));
  const auto payment = payment_json(shop, customer, p.payment);
  REQUIRE(payment.at("refunds").as_array().size() == 1);
  const auto& refund = payment.at("refunds").as_array()[0];
  CHECK(refund.at("status") == "completed");
  CHECK(refund.at("amount") == p.total);
  CHECK(refund.at("reason") == "order returned");
  CHECK(order_json(shop, customer, p.order).at("payment").at("status") == "refunded");
  CHECK(pg.record_of("life-1").at("cancels").as_array().size() == 1);
  CHECK(settlement_status(shop, p.order) == "reversed");

  // Each mail once: paid, shipped, delivered, refunded.
  CHECK(eventually([&] { return mails(shop, "Your payment is refunded") == 1; }, 5s));
  CHECK(mails(shop, "Your order is paid") == 1);
  CHECK(mails(shop, "Your order has shipped") == 1);
  CHECK(mails(shop, "Your order is delivered") == 1);
  CHECK(mails(shop, "Your order is cancelled") == 0);
}

TEST_CASE("a paid order cancelled before it ships is restocked at once and refunded once the gateway is up",
          "[http][orders][payments]") {
  PgStandinProcess pg;
  // No step is due during the test: the order stays paid until it is cancelled.
  Shop shop(life_env(pg, {{"SHOPD_SHIP_AFTER", "1h"}}));
  const auto& customer = shop.customer();
  const auto p = paid_order(shop, "cancel-1");
  CHECK(stock_of(shop, p.product) == "3/0");
  CHECK(settlement_status(shop, p.order) == "pending");

  pg.set_mode("down");
  const auto cancelled = shop.call("POST", "/orders/" + p.order + "/cancel", {{"reason", "changed my mind"}},
                                   customer.access_token);
  REQUIRE(cancelled.status == 200);
  CHECK(cancelled.json().at("status") == "cancelled");
  CHECK(cancelled.json().at("delivery").at("status") == "cancelled");
  CHECK(stock_of(shop, p.product) == "5/0");
  expect_problem(shop.call("POST", "/orders/" + p.order + "/cancel", nullptr, customer.access_token), 409,
                 "cannot_cancel");

  // The gateway refuses: the refund waits, tried again and again, and the settlement is reversed.
  const auto attempts = [&] {
    return std::stoi(query_value(shop.db().url(),
                                 "SELECT attempts FROM payments.refunds WHERE order_id = '" + p.order + "'"));
  };
  REQUIRE(eventually([&] { return settlement_status(shop, p.order) == "reversed"; }, 5s));
  REQUIRE(eventually([&] { return attempts() >= 2; }, 10s));
  auto payment = payment_json(shop, customer, p.payment);
  CHECK(payment.at("status") == "completed");
  CHECK(payment.at("refunds").as_array()[0].at("status") == "requested");
  CHECK(order_json(shop, customer, p.order).at("payment").at("status") == "refund_pending");
  CHECK(pg.record_of("cancel-1").at("cancels").as_array().empty());

  pg.set_mode("up");
  REQUIRE(refunded(shop, customer, p.payment));
  CHECK(pg.record_of("cancel-1").at("cancels").as_array().size() == 1);
  CHECK(order_json(shop, customer, p.order).at("payment").at("refunded_at").is_string());
  CHECK(eventually([&] { return mails(shop, "Your payment is refunded") == 1; }, 5s));
  CHECK(mails(shop, "Your order is cancelled") == 1);
  const auto metrics = shop::test::http_request(shop.port(), "GET", "/metrics");
  CHECK(metrics.body.find("shopd_refunds_total{outcome=\"refunded\"} 1\n") != std::string::npos);
  CHECK(metrics.body.find("shopd_refunds_total{outcome=\"failed_attempt\"}") != std::string::npos);
}

TEST_CASE("a return after the return window is refused", "[http][orders][payments]") {
  PgStandinProcess pg;
  Shop shop(life_env(
      pg,
      {{"SHOPD_SHIP_AFTER", "100ms"}, {"SHOPD_DELIVER_AFTER", "100ms"}, {"SHOPD_RETURN_WINDOW", "500ms"}}));
  const auto p = paid_order(shop, "late-1");
  REQUIRE(reaches(shop, p.order, "delivered"));
  std::this_thread::sleep_for(600ms);
  expect_problem(shop.call("POST", "/orders/" + p.order + "/return", nullptr, shop.customer().access_token),
                 409, "return_window_closed");
  CHECK(order_status(shop, p.order) == "delivered");
}

TEST_CASE("two processes take each timed step once, and due settlements are settled",
          "[http][orders][payments]") {
  PgStandinProcess pg;
  const EnvList env =
      life_env(pg, {{"SHOPD_SETTLEMENT_DELAY", "1s"}, {"SHOPD_SETTLEMENT_INTERVAL", "200ms"}});
  Shop shop(env);
  const auto other = shop.start_another(env);
  const auto product = id_of(create_product(shop, shop.seller(), {{"price", 1000}, {"stock", 100}}));
  std::vector<std::string> orders;
  for (int i = 1; i <= 6; ++i) {
    const auto [order, total] = order_of(shop, shop.customer(), product, i);
    REQUIRE(confirm(i % 2 == 0 ? *other : shop.server(), shop.customer(), order, "two-" + std::to_string(i),
                    total)
                .status == 200);
    orders.push_back(order);
  }
  for (const auto& order : orders) REQUIRE(reaches(shop, order, "delivered"));
  CHECK(query_value(shop.db().url(),
                    "SELECT count(*) FROM shopd.outbox_events WHERE type IN ('order.OrderShipped',"
                    " 'order.OrderDelivered')") == "12");
  CHECK(stock_of(shop, product) == "79/0");
  CHECK(eventually([&] { return mails(shop, "Your order is delivered") == 6; }, 5s));
  CHECK(mails(shop, "Your order has shipped") == 6);
  CHECK(eventually(
      [&] {
        return query_value(shop.db().url(),
                           "SELECT count(*) FROM payments.settlements WHERE status = 'settled'") == "6";
      },
      5s));
}
