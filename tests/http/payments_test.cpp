// Payments through the real binary against the gateway stand-in over real HTTP: confirm, decline,
// a failing gateway retried, a lost answer reconciled, the circuit breaker, duplicate confirms, a
// crash between the gateway's DONE and shopd's commit, and sellers' settlements.
#include "support/checkout.hpp"
#include "support/eventually.hpp"
#include "support/problem_assertions.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using shop::test::confirm;
using shop::test::create_product;
using shop::test::EnvList;
using shop::test::eventually;
using shop::test::expect_problem;
using shop::test::gateway_env;
using shop::test::HttpResponse;
using shop::test::id_of;
using shop::test::order_of;
using shop::test::order_status;
using shop::test::PgStandinProcess;
using shop::test::query_value;
using shop::test::Shop;
using shop::test::SignedIn;
using shop::test::stock_of;
using namespace std::chrono_literals;

TEST_CASE("a confirmed payment sells the stock, pays the order and owes each seller its net",
          "[http][payments]") {
  PgStandinProcess pg;
  Shop shop(gateway_env(pg));
  const auto& customer = shop.customer();
  const auto rival = shop.account("rival_seller", "seller");
  const auto tea = id_of(create_product(shop, shop.seller(), {{"price", 10001}, {"stock", 5}}));
  const auto cup = id_of(create_product(shop, rival, {{"price", 999}, {"stock", 5}}));
  const auto address =
      shop.call("POST", "/me/addresses",
                {{"recipient", "K"}, {"phone", "010-1234-5678"}, {"zip_code", "06236"}, {"line1", "x"}},
                customer.access_token);
  boost::json::array items{{{"product_id", tea}, {"quantity", 2}}, {{"product_id", cup}, {"quantity", 1}}};
  const auto placed = shop.call("POST", "/orders", {{"address_id", id_of(address.json())}, {"items", items}},
                                customer.access_token, {{"Idempotency-Key", "two-sellers"}});
  REQUIRE(placed.status == 201);
  const auto order = id_of(placed.json());

  expect_problem(confirm(shop.server(), customer, order, "pay-1", 100), 409, "amount_mismatch");
  const auto other = shop.account("other_buyer", "customer");
  expect_problem(confirm(shop.server(), other, order, "pay-1", 21001), 404, "not_found");
  const auto paid = confirm(shop.server(), customer, order, "pay-1", 21001);
  REQUIRE(paid.status == 200);
  CHECK(paid.json().at("status") == "completed");
  CHECK(paid.json().at("method") == "CARD");
  CHECK(order_status(shop, order) == "paid");
  CHECK(stock_of(shop, tea) == "3/0");
  CHECK(stock_of(shop, cup) == "4/0");
  // Confirming again answers the same payment and charges nothing more.
  CHECK(confirm(shop.server(), customer, order, "pay-1", 21001).json().at("payment_id") ==
        paid.json().at("payment_id"));
  expect_problem(confirm(shop.server(), customer, order, "pay-2", 21001), 409, "order_not_payable");
  CHECK(pg.record_of("pay-1").at("approvals") == 1);
  // The customer is mailed once (the notification module, through the mail outbox).
  CHECK(eventually(
      [&] { return shop.mails_to(customer.username + "@example.com", "Your order is paid") == 1; }));
  const auto payment = std::string(paid.json().at("payment_id").as_string());
  CHECK(shop.call("GET", "/payments/" + payment, nullptr, customer.access_token).status == 200);
  expect_problem(shop.call("GET", "/payments/" + payment, nullptr, other.access_token), 404, "not_found");

  // 20002 won: fee 660 (3.3 % of 20002 is 660.066, rounded down); 999 won: fee 32 (32.967).
  const auto mine = shop.call("GET", "/seller/settlements", nullptr, shop.seller().access_token).json();
  REQUIRE(mine.at("items").as_array().size() == 1);
  const auto& s = mine.at("items").as_array()[0];
  CHECK(s.at("gross") == 20002);
  CHECK(s.at("fee") == 660);
  CHECK(s.at("net") == 19342);
  CHECK(s.at("status") == "pending");
  const auto theirs =
      shop.call("GET", "/seller/settlements?status=pending", nullptr, rival.access_token).json();
  REQUIRE(theirs.at("items").as_array().size() == 1);
  CHECK(theirs.at("items").as_array()[0].at("fee") == 32);
  CHECK(shop.call("GET", "/seller/settlements?status=settled", nullptr, rival.access_token)
            .json()
            .at("items")
            .as_array()
            .empty());
  expect_problem(shop.call("GET", "/seller/settlements", nullptr, customer.access_token), 403, "forbidden");
}

TEST_CASE("a declined payment fails the order and releases its stock; a failing gateway charges nothing",
          "[http][payments]") {
  PgStandinProcess pg;
  Shop shop(gateway_env(pg));
  const auto& customer = shop.customer();
  const auto tea = id_of(create_product(shop, shop.seller(), {{"price", 1000}, {"stock", 5}}));
  const auto [declined, total] = order_of(shop, customer, tea, 2);
  expect_problem(confirm(shop.server(), customer, declined, "decline-1", total), 402, "payment_declined");
  CHECK(order_status(shop, declined) == "payment_failed");
  CHECK(stock_of(shop, tea) == "5/0");

  // error-: 500 on every attempt, retried, then given up; the order stays payable.
  const auto [failing, failing_total] = order_of(shop, customer, tea, 1);
  expect_problem(confirm(shop.server(), customer, failing, "error-1", failing_total), 502,
                 "payment_gateway_error");
  CHECK(pg.record_of("error-1").at("confirm_requests") == 3);
  CHECK(order_status(shop, failing) == "pending_payment");
  REQUIRE(confirm(shop.server(), customer, failing, "pay-after-error", failing_total).status == 200);
  CHECK(order_status(shop, failing) == "paid");
}

TEST_CASE("a lost answer is 202 pending; reconciliation pays the order, which does not expire meanwhile",
          "[http][payments][slow]") {
  PgStandinProcess pg;
  // Asked about 3 s after the confirm began: after the confirm has given up (3 attempts of 400 ms).
  Shop shop(gateway_env(pg, {{"SHOPD_PAYMENT_TTL", "2s"},
                             {"SHOPD_ORDER_EXPIRY_INTERVAL", "100ms"},
                             {"SHOPD_SCHEDULER_TICK", "50ms"},
                             {"SHOPD_RECONCILE_AFTER", "3s"}}));
  const auto& customer = shop.customer();
  const auto tea = id_of(create_product(shop, shop.seller(), {{"price", 1000}, {"stock", 5}}));
  const auto [order, total] = order_of(shop, customer, tea);
  const auto pending = confirm(shop.server(), customer, order, "hang-1", total);
  REQUIRE(pending.status == 202);
  CHECK(pending.json().at("status") == "pending");
  // A second confirm of the key while it is pending answers the same, without a second charge.
  CHECK(confirm(shop.server(), customer, order, "hang-1", total).status == 202);
  std::this_thread::sleep_for(2500ms);  // past the payment TTL
  CHECK(eventually([&] { return order_status(shop, order) == "paid"; }, 10s));
  const auto payment = std::string(pending.json().at("payment_id").as_string());
  CHECK(shop.call("GET", "/payments/" + payment, nullptr, customer.access_token).json().at("status") ==
        "completed");
  CHECK(pg.record_of("hang-1").at("approvals") == 1);
  CHECK(stock_of(shop, tea) == "4/0");
}

TEST_CASE("a gateway that is down opens the circuit (503 with Retry-After), which closes once it is up",
          "[http][payments][slow]") {
  PgStandinProcess pg;
  Shop shop(gateway_env(pg, {{"SHOPD_GATEWAY_CIRCUIT_MIN_CALLS", "4"},
                             {"SHOPD_GATEWAY_CIRCUIT_OPEN_FOR", "1s"},
                             {"SHOPD_GATEWAY_CIRCUIT_TRIAL_CALLS", "1"}}));
  const auto& customer = shop.customer();
  const auto tea = id_of(create_product(shop, shop.seller(), {{"price", 1000}, {"stock", 50}}));
  const auto [order, total] = order_of(shop, customer, tea);
  pg.set_mode("down");
  std::set<unsigned> statuses;
  HttpResponse last;
  for (int i = 0; i < 4; ++i) {
    last = confirm(shop.server(), customer, order, "pay-down-" + std::to_string(i), total);
    statuses.insert(last.status);
  }
  expect_problem(last, 503, "payment_gateway_unavailable");
  CHECK(last.header("Retry-After"));
  CHECK(order_status(shop, order) == "pending_payment");
  const auto metrics = shop::test::http_request(shop.port(), "GET", "/metrics");
  CHECK(metrics.body.find("shopd_gateway_circuit_state{gateway=\"payment_gateway\"} 1") != std::string::npos);
  pg.set_mode("up");
  CHECK(eventually([&] { return confirm(shop.server(), customer, order, "pay-up", total).status == 200; },
                   10s));
  CHECK(order_status(shop, order) == "paid");
}

TEST_CASE("duplicate confirms at the same moment charge once", "[http][payments]") {
  PgStandinProcess pg;
  Shop shop(gateway_env(pg));
  const auto& customer = shop.customer();
  const auto tea = id_of(create_product(shop, shop.seller(), {{"price", 1000}, {"stock", 5}}));
  const auto [order, total] = order_of(shop, customer, tea);
  std::mutex m;
  std::multiset<unsigned> statuses;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      const auto r = confirm(shop.server(), customer, order, "pay-dup", total);
      const std::lock_guard lock(m);
      statuses.insert(r.status);
    });
  }
  for (auto& t : threads) t.join();
  CHECK(statuses.count(200) >= 1);
  CHECK(statuses.count(200) + statuses.count(202) == 8);
  CHECK(eventually([&] { return order_status(shop, order) == "paid"; }, 10s));
  CHECK(pg.record_of("pay-dup").at("approvals") == 1);
  CHECK(query_value(shop.db().url(), "SELECT count(*) FROM payments.payments") == "1");
}

TEST_CASE(
    "an Idempotency-Key on confirm replays the first answer, and refuses another body or a running twin",
    "[http][payments]") {
  PgStandinProcess pg;
  // Reconciliation must not settle the hang- payment before its confirm has given up (about 1.3 s).
  Shop shop(gateway_env(pg, {{"SHOPD_RECONCILE_AFTER", "5s"}}));
  const auto& customer = shop.customer();
  const auto tea = id_of(create_product(shop, shop.seller(), {{"price", 1000}, {"stock", 5}}));
  const auto [order, total] = order_of(shop, customer, tea);
  const shop::test::HeaderList key{{"Idempotency-Key", "confirm-1"}};
  const auto first = confirm(shop.server(), customer, order, "pay-keyed", total, key);
  REQUIRE(first.status == 200);
  const auto again = confirm(shop.server(), customer, order, "pay-keyed", total, key);
  CHECK(again.status == 200);
  CHECK(again.body == first.body);
  CHECK(again.header("Idempotent-Replayed") == "true");
  CHECK(pg.record_of("pay-keyed").at("confirm_requests") == 1);
  expect_problem(confirm(shop.server(), customer, order, "pay-other", total, key), 422,
                 "idempotency_key_reused");
  expect_problem(
      confirm(shop.server(), customer, order, "pay-keyed", total, {{"Idempotency-Key", "bad key"}}), 400,
      "idempotency_key_required");

  // While the first request with a key waits on the gateway, its twin is told to come back.
  const auto [slow, slow_total] = order_of(shop, customer, tea, 2);
  const shop::test::HeaderList slow_key{{"Idempotency-Key", "confirm-slow"}};
  HttpResponse pending;
  std::thread first_try(
      [&] { pending = confirm(shop.server(), customer, slow, "hang-keyed", slow_total, slow_key); });
  REQUIRE(eventually(
      [&] {
        return query_value(shop.db().url(),
                           "SELECT count(*) FROM shopd.idempotency_keys WHERE key = 'confirm-slow'") == "1";
      },
      5s));
  const auto twin = confirm(shop.server(), customer, slow, "hang-keyed", slow_total, slow_key);
  first_try.join();
  expect_problem(twin, 409, "idempotency_key_in_use");
  CHECK(twin.header("Retry-After"));
  REQUIRE(pending.status == 202);
  const auto replay = confirm(shop.server(), customer, slow, "hang-keyed", slow_total, slow_key);
  CHECK(replay.status == 202);
  CHECK(replay.body == pending.body);
}

TEST_CASE("shopd killed between the gateway's DONE and its own commit recovers to paid with one charge",
          "[http][payments][slow]") {
  PgStandinProcess pg;
  Shop shop(gateway_env(pg, {{"SHOPD_GATEWAY_READ_TIMEOUT", "5s"}}));
  const auto& customer = shop.customer();
  const auto tea = id_of(create_product(shop, shop.seller(), {{"price", 1000}, {"stock", 5}}));
  const auto [order, total] = order_of(shop, customer, tea);
  auto doomed = shop.start_another();
  // Slow: the gateway charges at once and answers 3 s later; shopd dies while it waits.
  pg.set_mode("slow", 3000);
  std::thread waiting([&] {
    try {
      confirm(*doomed, customer, order, "pay-crash", total);
    } catch (const std::exception&) {  // the connection dies with the process
    }
  });
  REQUIRE(eventually([&] { return pg.record().at("payments").as_object().contains("pay-crash"); }, 5s));
  doomed->process().signal(SIGKILL);
  waiting.join();
  pg.set_mode("up");
  CHECK(query_value(shop.db().url(),
                    "SELECT status FROM payments.payments WHERE payment_key = 'pay-crash'") == "pending");
  // The surviving process reconciles it.
  CHECK(eventually([&] { return order_status(shop, order) == "paid"; }, 10s));
  CHECK(pg.record_of("pay-crash").at("approvals") == 1);
  CHECK(stock_of(shop, tea) == "4/0");
}
