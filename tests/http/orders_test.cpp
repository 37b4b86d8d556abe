// Orders through the real binary: placement and its every refusal, Idempotency-Key replays and
// concurrent duplicates, who sees which order, cancel, expiry (also by two processes at once and
// racing cancels), a 1,000-line order, stock conservation under a mixed run of two processes, and
// wishlist checkout.
#include "support/eventually.hpp"
#include "support/problem_assertions.hpp"
#include "support/products.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using shop::test::code_of;
using shop::test::create_product;
using shop::test::EnvList;
using shop::test::eventually;
using shop::test::expect_problem;
using shop::test::HttpResponse;
using shop::test::id_of;
using shop::test::query_value;
using shop::test::Shop;
using shop::test::SignedIn;
using namespace std::chrono_literals;

namespace {

std::string address_of(const Shop& shop, const SignedIn& who) {
  const auto made = shop.call("POST", "/me/addresses",
                              {{"recipient", "김지우"},
                               {"phone", "010-1234-5678"},
                               {"zip_code", "06236"},
                               {"line1", "서울 강남구 테헤란로 1"}},
                              who.access_token);
  REQUIRE(made.status == 201);
  return id_of(made.json());
}

boost::json::array lines(std::initializer_list<std::pair<std::string, int>> items) {
  boost::json::array out;
  for (const auto& [product, quantity] : items)
    out.push_back({{"product_id", product}, {"quantity", quantity}});
  return out;
}

// POST /orders under `key`.
HttpResponse place(const Shop& shop, const SignedIn& who, const boost::json::value& body,
                   const std::string& key) {
  return shop.call("POST", "/orders", body, who.access_token, {{"Idempotency-Key", key}});
}

std::int64_t count(const Shop& shop, const std::string& sql) {
  return std::stoll(query_value(shop.db().url(), sql));
}

// on_hand and reserved of a product.
std::pair<std::int64_t, std::int64_t> stock_of(const Shop& shop, const std::string& product) {
  const auto text =
      query_value(shop.db().url(),
                  "SELECT on_hand || ' ' || reserved FROM catalog.products WHERE id = '" + product + "'");
  const auto space = text.find(' ');
  return {std::stoll(text.substr(0, space)), std::stoll(text.substr(space + 1))};
}

// Runs `work(i)` for i in [0, n) on `threads` threads.
template <class Work>
void in_parallel(int n, int threads, Work work) {
  std::atomic<int> next = 0;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i; (i = next++) < n;) work(i);
    });
  }
  for (auto& t : pool) t.join();
}

// Every reservation agrees with its product and with its order: what is reserved is held by
// orders pending payment, and nothing else holds stock.
void expect_stock_agrees(const Shop& shop) {
  CHECK(count(shop,
              "SELECT count(*) FROM catalog.products p WHERE p.reserved <> COALESCE((SELECT sum(l.quantity)"
              " FROM catalog.reservations r, unnest(r.lines) AS l"
              " WHERE l.product_id = p.id AND r.status = 'reserved'), 0)") == 0);
  CHECK(count(shop,
              "SELECT count(*) FROM orders.orders o JOIN catalog.reservations r ON r.order_id = o.id"
              " WHERE (o.status = 'pending_payment') <> (r.status = 'reserved')") == 0);
  CHECK(count(shop,
              "SELECT count(*) FROM catalog.reservations r WHERE NOT EXISTS"
              " (SELECT 1 FROM orders.orders o WHERE o.id = r.order_id)") == 0);
}

}  // namespace

TEST_CASE("an order is placed with its stock reserved, names and prices copied, and its address sealed",
          "[http][orders]") {
  Shop shop;
  const auto& seller = shop.seller();
  const auto& customer = shop.customer();
  const auto tea = id_of(create_product(shop, seller, {{"name", "녹차"}, {"price", 3000}, {"stock", 5}}));
  const auto pot = id_of(create_product(shop, seller, {{"name", "Pot"}, {"price", 20000}, {"stock", 1}}));
  const auto address = address_of(shop, customer);

  const auto placed =
      place(shop, customer, {{"address_id", address}, {"items", lines({{tea, 2}, {pot, 1}})}}, "k-1");
  REQUIRE(placed.status == 201);
  const auto order = placed.json();
  CHECK(order.at("status") == "pending_payment");
  CHECK(order.at("total_amount") == 26000);
  CHECK(order.at("currency") == "KRW");
  CHECK(order.at("items").as_array()[0].at("name") == "녹차");
  CHECK(order.at("items").as_array()[0].at("line_total") == 6000);
  CHECK(order.at("shipping_address").at("recipient") == "김지우");
  CHECK(order.at("payment_order_id").as_string().starts_with("shopd-"));
  CHECK(!order.at("expires_at").is_null());
  CHECK(placed.header("Location") == "/api/v1/orders/" + id_of(order));
  CHECK(stock_of(shop, tea) == std::pair<std::int64_t, std::int64_t>(5, 2));
  CHECK(stock_of(shop, pot) == std::pair<std::int64_t, std::int64_t>(1, 1));
  // The address is personal data: sealed, not a readable copy.
  CHECK(count(shop,
              "SELECT count(*) FROM orders.orders WHERE position('\\xeab980'::bytea in shipping_address_ct) "
              "> 0") == 0);
  CHECK(count(shop, "SELECT count(*) FROM shopd.outbox_events WHERE type = 'order.OrderPlaced'") == 1);

  // A later price change does not touch the order.
  REQUIRE(shop.call("PATCH", "/products/" + tea, {{"price", 9999}}, seller.access_token).status == 200);
  const auto read = shop.call("GET", "/orders/" + id_of(order), nullptr, customer.access_token);
  REQUIRE(read.status == 200);
  CHECK(read.json().at("items").as_array()[0].at("unit_price") == 3000);
  CHECK(read.json().at("shipping_address") == order.at("shipping_address"));
}

TEST_CASE("every refusal of an order has its code and leaves no order and no reservation", "[http][orders]") {
  Shop shop;
  const auto& seller = shop.seller();
  const auto& customer = shop.customer();
  const auto tea = id_of(create_product(shop, seller, {{"stock", 2}}));
  const auto limited = id_of(create_product(shop, seller, {{"stock", 100}, {"purchase_limit", 2}}));
  const auto later = id_of(create_product(shop, seller, {{"sale_opens_at", "2099-01-01T00:00:00Z"}}));
  const auto gone = id_of(create_product(shop, seller));
  REQUIRE(shop.call("DELETE", "/products/" + gone, nullptr, seller.access_token).status == 204);
  const auto address = address_of(shop, customer);
  const std::string nobody = "00000000-0000-4000-8000-000000000000";
  int key = 0;
  const auto order = [&](const boost::json::array& items, const std::string& at = "") {
    return place(shop, customer, {{"address_id", at.empty() ? address : at}, {"items", items}},
                 "refusal-" + std::to_string(++key));
  };

  // Every bad line in one 400.
  boost::json::array bad = lines({{tea, 1}, {tea, 1}});
  bad.push_back({{"product_id", "not-an-id"}, {"quantity", 1}});
  bad.push_back({{"product_id", tea}, {"quantity", 0}});
  bad.push_back({{"product_id", tea}, {"quantity", "two"}});
  const auto invalid = order(bad);
  expect_problem(invalid, 400, "validation_failed");
  std::set<std::string> fields;
  const auto body = invalid.json();
  for (const auto& e : body.at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  CHECK(fields == std::set<std::string>{"items[3].quantity", "items[4].quantity"});
  const auto duplicate = order(lines({{tea, 1}, {tea, 1}, {"x", 1}}));
  expect_problem(duplicate, 400, "validation_failed");
  CHECK(duplicate.body.find("items[1].product_id") != std::string::npos);
  CHECK(duplicate.body.find("items[2].product_id") != std::string::npos);
  expect_problem(order(boost::json::array{}), 400, "validation_failed");
  expect_problem(order(lines({{tea, 1}}), nobody), 404, "address_not_found");
  expect_problem(order(lines({{tea, 1}, {nobody, 1}})), 404, "product_not_found");
  expect_problem(order(lines({{gone, 1}})), 404, "product_not_found");
  const auto short_of = order(lines({{limited, 1}, {tea, 3}}));
  expect_problem(short_of, 409, "insufficient_stock");
  CHECK(short_of.body.find("items[1].product_id") != std::string::npos);
  expect_problem(order(lines({{later, 1}})), 409, "sale_not_open");
  expect_problem(order(lines({{limited, 3}})), 409, "purchase_limit_exceeded");
  expect_problem(shop.call("POST", "/orders", {{"address_id", address}, {"items", lines({{tea, 1}})}},
                           customer.access_token),
                 400, "idempotency_key_required");
  expect_problem(shop.call("POST", "/orders", {{"address_id", address}, {"items", lines({{tea, 1}})}}), 401,
                 "unauthorized");
  CHECK(count(shop, "SELECT count(*) FROM orders.orders") == 0);
  CHECK(count(shop, "SELECT count(*) FROM catalog.reservations") == 0);
  CHECK(count(shop, "SELECT sum(reserved) FROM catalog.products") == 0);

  // The limit counts what the customer holds already.
  REQUIRE(order(lines({{limited, 2}})).status == 201);
  expect_problem(order(lines({{limited, 1}})), 409, "purchase_limit_exceeded");
}

TEST_CASE("an Idempotency-Key answers its first response again, also to a duplicate at the same moment",
          "[http][orders]") {
  Shop shop;
  const auto& seller = shop.seller();
  const auto& customer = shop.customer();
  const auto tea = id_of(create_product(shop, seller, {{"stock", 100}}));
  const auto address = address_of(shop, customer);
  const boost::json::value body{{"address_id", address}, {"items", lines({{tea, 1}})}};

  const auto first = place(shop, customer, body, "again");
  REQUIRE(first.status == 201);
  const auto replay = place(shop, customer, body, "again");
  CHECK(replay.status == 201);
  CHECK(replay.body == first.body);
  CHECK(replay.header("Idempotent-Replayed") == "true");
  expect_problem(place(shop, customer, {{"address_id", address}, {"items", lines({{tea, 2}})}}, "again"), 422,
                 "idempotency_key_reused");
  // Keys are the caller's own: another user's same key is a new request.
  const auto other = shop.account("other_buyer", "customer");
  CHECK(place(shop, other, {{"address_id", address_of(shop, other)}, {"items", lines({{tea, 1}})}}, "again")
            .status == 201);

  std::mutex m;
  std::set<std::string> answers;
  in_parallel(8, 8, [&](int) {
    const auto r = place(shop, customer, body, "at-once");
    const std::lock_guard lock(m);
    answers.insert(std::to_string(r.status) + r.body);
  });
  CHECK(answers.size() == 1);
  CHECK(answers.begin()->starts_with("201"));
  CHECK(count(shop, "SELECT count(*) FROM orders.orders WHERE customer_id = '" + customer.id + "'") == 2);
  CHECK(stock_of(shop, tea).second == 3);
  const auto metrics = shop::test::http_request(shop.port(), "GET", "/metrics");
  CHECK(metrics.body.find("shopd_idempotent_replays_total{route=\"/api/v1/orders\"}") != std::string::npos);
  CHECK(metrics.body.find("shopd_orders_placed_total 3") != std::string::npos);
}

TEST_CASE("customers see their own orders, sellers their own lines, admins everything", "[http][orders]") {
  Shop shop;
  const auto& seller = shop.seller();
  const auto rival = shop.account("rival_seller", "seller");
  const auto& customer = shop.customer();
  const auto other = shop.account("other_buyer", "customer");
  const auto tea = id_of(create_product(shop, seller, {{"price", 1000}, {"stock", 100}}));
  const auto cup = id_of(create_product(shop, rival, {{"price", 500}, {"stock", 100}}));
  const auto address = address_of(shop, customer);
  std::vector<std::string> mine;
  for (int i = 0; i < 3; ++i) {
    const auto r = place(shop, customer, {{"address_id", address}, {"items", lines({{tea, 1}, {cup, 2}})}},
                         "mine-" + std::to_string(i));
    REQUIRE(r.status == 201);
    mine.push_back(id_of(r.json()));
  }
  const auto theirs = id_of(
      place(shop, other, {{"address_id", address_of(shop, other)}, {"items", lines({{cup, 1}})}}, "theirs")
          .json());
  REQUIRE(shop.call("POST", "/orders/" + mine[0] + "/cancel", nullptr, customer.access_token).status == 200);

  expect_problem(shop.call("GET", "/orders/" + theirs, nullptr, customer.access_token), 404, "not_found");
  expect_problem(shop.call("POST", "/orders/" + theirs + "/cancel", nullptr, customer.access_token), 404,
                 "not_found");
  CHECK(shop.call("GET", "/orders/" + theirs, nullptr, shop.admin().access_token).status == 200);

  // Newest first, two a page, then the rest.
  const auto first = shop.call("GET", "/orders?limit=2", nullptr, customer.access_token).json();
  REQUIRE(first.at("items").as_array().size() == 2);
  CHECK(id_of(first.at("items").as_array()[0]) == mine[2]);
  const std::string cursor(first.at("next_cursor").as_string());
  const auto second =
      shop.call("GET", "/orders?limit=2&cursor=" + cursor, nullptr, customer.access_token).json();
  REQUIRE(second.at("items").as_array().size() == 1);
  CHECK(id_of(second.at("items").as_array()[0]) == mine[0]);
  CHECK(second.at("next_cursor").is_null());
  const auto cancelled = shop.call("GET", "/orders?status=cancelled", nullptr, customer.access_token).json();
  REQUIRE(cancelled.at("items").as_array().size() == 1);
  CHECK(id_of(cancelled.at("items").as_array()[0]) == mine[0]);
  expect_problem(shop.call("GET", "/orders?status=lost", nullptr, customer.access_token), 400,
                 "validation_failed");
  expect_problem(shop.call("GET", "/orders?cursor=bogus", nullptr, customer.access_token), 400,
                 "validation_failed");

  // The seller of the tea sees the customer's three orders with only the tea line and its total.
  const auto sold = shop.call("GET", "/seller/orders", nullptr, seller.access_token).json();
  REQUIRE(sold.at("items").as_array().size() == 3);
  for (const auto& o : sold.at("items").as_array()) {
    REQUIRE(o.at("items").as_array().size() == 1);
    CHECK(o.at("items").as_array()[0].at("product_id") == boost::json::value(tea));
    CHECK(o.at("total_amount") == 1000);
  }
  CHECK(
      shop.call("GET", "/seller/orders", nullptr, rival.access_token).json().at("items").as_array().size() ==
      4);
  expect_problem(shop.call("GET", "/seller/orders", nullptr, customer.access_token), 403, "forbidden");
  CHECK(
      shop.call("GET", "/orders", nullptr, shop.admin().access_token).json().at("items").as_array().size() ==
      4);
}

TEST_CASE("cancel releases an unpaid order's stock at once; a second cancel is a conflict",
          "[http][orders]") {
  Shop shop;
  const auto& customer = shop.customer();
  const auto tea = id_of(create_product(shop, shop.seller(), {{"stock", 3}}));
  const auto placed =
      place(shop, customer, {{"address_id", address_of(shop, customer)}, {"items", lines({{tea, 3}})}}, "c");
  REQUIRE(placed.status == 201);
  const auto id = id_of(placed.json());
  CHECK(stock_of(shop, tea).second == 3);
  const auto cancelled =
      shop.call("POST", "/orders/" + id + "/cancel", {{"reason", "changed my mind"}}, customer.access_token);
  REQUIRE(cancelled.status == 200);
  CHECK(cancelled.json().at("status") == "cancelled");
  CHECK(cancelled.json().at("expires_at").is_null());
  CHECK(stock_of(shop, tea) == std::pair<std::int64_t, std::int64_t>(3, 0));
  expect_problem(shop.call("POST", "/orders/" + id + "/cancel", nullptr, customer.access_token), 409,
                 "cannot_cancel");
  expect_problem(
      shop.call("POST", "/orders/" + id + "/cancel", {{"reason", "bell\x07"}}, customer.access_token), 400,
      "validation_failed");
  CHECK(count(shop, "SELECT count(*) FROM shopd.outbox_events WHERE type = 'order.OrderCancelled'") == 1);
  CHECK(eventually(
      [&] { return shop.mails_to(customer.username + "@example.com", "Your order is cancelled") == 1; }));
  expect_stock_agrees(shop);
}

TEST_CASE("two processes expire unpaid orders exactly once, and cancels racing the expiry have one winner",
          "[http][orders][slow]") {
  const EnvList fast{{"SHOPD_PAYMENT_TTL", "2s"},
                     {"SHOPD_ORDER_EXPIRY_INTERVAL", "100ms"},
                     {"SHOPD_SCHEDULER_TICK", "50ms"}};
  Shop shop(fast);
  auto other = shop.start_another();
  const auto& customer = shop.customer();
  const auto tea = id_of(create_product(shop, shop.seller(), {{"stock", 1000}}));
  const auto address = address_of(shop, customer);
  constexpr int kOrders = 40;
  std::vector<std::string> ids(kOrders);
  in_parallel(kOrders, 4, [&](int i) {
    const auto r = place(shop, customer, {{"address_id", address}, {"items", lines({{tea, 1}})}},
                         "expire-" + std::to_string(i));
    REQUIRE(r.status == 201);
    ids[static_cast<std::size_t>(i)] = id_of(r.json());
  });
  // Cancels sent around the moment of expiry, to both processes: each is 200 or 409, never both
  // for one order, and each order ends cancelled or expired.
  std::this_thread::sleep_for(1900ms);
  std::atomic<int> won = 0, lost = 0;
  in_parallel(kOrders, 8, [&](int i) {
    const auto path = "/orders/" + ids[static_cast<std::size_t>(i)] + "/cancel";
    const auto r = i % 2 == 0 ? shop.call("POST", path, nullptr, customer.access_token)
                              : other->call("POST", path, nullptr, customer.access_token);
    if (r.status == 200) ++won;
    if (r.status == 409) ++lost;
  });
  CHECK(won + lost == kOrders);
  REQUIRE(eventually(
      [&] { return count(shop, "SELECT count(*) FROM orders.orders WHERE status = 'pending_payment'") == 0; },
      10s));
  CHECK(count(shop, "SELECT count(*) FROM orders.orders WHERE status = 'cancelled'") == won);
  CHECK(count(shop, "SELECT count(*) FROM orders.orders WHERE status = 'expired'") == lost);
  CHECK(count(shop,
              "SELECT count(*) FROM shopd.outbox_events WHERE type IN ('order.OrderExpired', "
              "'order.OrderCancelled')") == kOrders);
  CHECK(stock_of(shop, tea) == std::pair<std::int64_t, std::int64_t>(1000, 0));
  expect_stock_agrees(shop);
}

TEST_CASE("an order of 1,000 lines is placed in a few statements", "[http][orders]") {
  Shop shop;
  const auto& seller = shop.seller();
  const auto& customer = shop.customer();
  query_value(shop.db().url(),
              "INSERT INTO catalog.products (id, seller_id, name, price, on_hand, created_at, updated_at)"
              " SELECT gen_random_uuid(), '" +
                  seller.id +
                  "', 'Item ' || i, 100 + i, 5, now(), now()"
                  " FROM generate_series(1, 1000) AS i RETURNING 1");
  boost::json::array items;
  std::istringstream ids(
      query_value(shop.db().url(), "SELECT string_agg(id::text, ' ') FROM catalog.products"));
  for (std::string id; ids >> id;) items.push_back({{"product_id", id}, {"quantity", 2}});
  REQUIRE(items.size() == 1000);
  const auto placed =
      place(shop, customer, {{"address_id", address_of(shop, customer)}, {"items", items}}, "big");
  REQUIRE(placed.status == 201);
  CHECK(placed.json().at("items").as_array().size() == 1000);
  CHECK(count(shop, "SELECT count(*) FROM orders.order_lines") == 1000);
  CHECK(count(shop, "SELECT sum(reserved) FROM catalog.products") == 2000);
  // Set-based: the lines went in with one statement.
  const auto metrics = shop::test::http_request(shop.port(), "GET", "/metrics");
  CHECK(metrics.body.find("shopd_db_statement_seconds_count{statement=\"orders.insert_order\"} 1\n") !=
        std::string::npos);
}

TEST_CASE("a mixed run of place, cancel and expire by two processes conserves the stock",
          "[http][orders][slow]") {
  Shop shop(EnvList{{"SHOPD_PAYMENT_TTL", "1s"},
                    {"SHOPD_ORDER_EXPIRY_INTERVAL", "100ms"},
                    {"SHOPD_SCHEDULER_TICK", "50ms"}});
  auto other = shop.start_another();
  const auto& customer = shop.customer();
  const auto& seller = shop.seller();
  const std::vector<std::string> products{id_of(create_product(shop, seller, {{"stock", 15}})),
                                          id_of(create_product(shop, seller, {{"stock", 15}}))};
  const auto address = address_of(shop, customer);
  std::atomic<int> placed = 0, refused = 0;
  in_parallel(120, 8, [&](int i) {
    const auto& server = i % 2 == 0 ? shop.server() : *other;
    const auto body =
        boost::json::value{{"address_id", address},
                           {"items", lines({{products[static_cast<std::size_t>(i % 2)], 1 + i % 3},
                                            {products[static_cast<std::size_t>((i + 1) % 2)], 1}})}};
    const auto r = server.call("POST", "/orders", body, customer.access_token,
                               {{"Idempotency-Key", "mix-" + std::to_string(i)}});
    if (r.status == 201) {
      ++placed;
      if (i % 3 == 0)
        server.call("POST", "/orders/" + id_of(r.json()) + "/cancel", nullptr, customer.access_token);
    } else if (r.status == 409 && code_of(r) == "insufficient_stock") {
      ++refused;
    }
  });
  CHECK(placed + refused == 120);
  CHECK(placed > 0);
  expect_stock_agrees(shop);
  REQUIRE(eventually(
      [&] { return count(shop, "SELECT count(*) FROM orders.orders WHERE status = 'pending_payment'") == 0; },
      10s));
  CHECK(count(shop, "SELECT sum(reserved) FROM catalog.products") == 0);
  CHECK(count(shop, "SELECT sum(on_hand) FROM catalog.products") == 30);
  expect_stock_agrees(shop);
}

TEST_CASE("wishlist checkout orders the chosen items and removes exactly those", "[http][orders][wishlist]") {
  Shop shop;
  const auto& customer = shop.customer();
  const auto& seller = shop.seller();
  const auto tea = id_of(create_product(shop, seller, {{"price", 1000}, {"stock", 5}}));
  const auto pot = id_of(create_product(shop, seller, {{"price", 7000}, {"stock", 1}}));
  const auto cup = id_of(create_product(shop, seller, {{"price", 300}, {"stock", 9}}));
  const auto address = address_of(shop, customer);
  const auto& token = customer.access_token;
  const auto checkout = [&](const boost::json::value& body, const std::string& key) {
    return shop.call("POST", "/wishlist/checkout", body, token, {{"Idempotency-Key", key}});
  };
  expect_problem(checkout({{"address_id", address}}, "w-0"), 409, "wishlist_empty");
  REQUIRE(shop.call("PUT", "/wishlist/items/" + tea, {{"quantity", 2}}, token).status == 200);
  REQUIRE(shop.call("PUT", "/wishlist/items/" + pot, {{"quantity", 2}}, token).status == 200);
  REQUIRE(shop.call("PUT", "/wishlist/items/" + cup, {{"quantity", 3}}, token).status == 200);

  const auto too_many = checkout({{"address_id", address}, {"product_ids", {tea, pot}}}, "w-1");
  expect_problem(too_many, 409, "insufficient_stock");
  CHECK(too_many.body.find("product_ids[1]") != std::string::npos);
  expect_problem(
      checkout({{"address_id", address}, {"product_ids", {"00000000-0000-4000-8000-000000000000"}}}, "w-2"),
      400, "validation_failed");
  CHECK(shop.call("GET", "/wishlist", nullptr, token).json().at("items").as_array().size() == 3);

  const auto ordered = checkout({{"address_id", address}, {"product_ids", {cup, tea}}}, "w-3");
  REQUIRE(ordered.status == 201);
  CHECK(ordered.json().at("total_amount") == 2900);
  CHECK(ordered.json().at("items").as_array().size() == 2);
  const auto left = shop.call("GET", "/wishlist", nullptr, token).json().at("items").as_array();
  REQUIRE(left.size() == 1);
  CHECK(left[0].at("product_id") == boost::json::value(pot));
  CHECK(checkout({{"address_id", address}, {"product_ids", {cup, tea}}}, "w-3").body ==
        ordered.body);  // replayed
  REQUIRE(shop.call("PUT", "/wishlist/items/" + pot, {{"quantity", 1}}, token).status == 200);
  const auto rest = checkout({{"address_id", address}}, "w-4");  // all of it by default
  REQUIRE(rest.status == 201);
  CHECK(rest.json().at("total_amount") == 7000);
  CHECK(shop.call("GET", "/wishlist", nullptr, token).json().at("items").as_array().empty());
  expect_stock_agrees(shop);
}

TEST_CASE("withdrawal waits for orders in progress; a withdrawn customer's unpaid orders are cancelled",
          "[http][orders]") {
  Shop shop;
  const auto& customer = shop.customer();
  const auto tea = id_of(create_product(shop, shop.seller(), {{"stock", 5}}));
  const auto address = address_of(shop, customer);
  const auto first =
      id_of(place(shop, customer, {{"address_id", address}, {"items", lines({{tea, 1}})}}, "g-1").json());
  const auto second =
      id_of(place(shop, customer, {{"address_id", address}, {"items", lines({{tea, 2}})}}, "g-2").json());
  // Paid is the next issue's; the guard reads the status.
  query_value(shop.db().url(),
              "UPDATE orders.orders SET status = 'paid' WHERE id = '" + first + "' RETURNING 1");
  const boost::json::value password{{"password", std::string(shop::test::kPassword)}};
  expect_problem(shop.call("DELETE", "/me", password, customer.access_token), 409, "orders_in_progress");
  query_value(shop.db().url(),
              "UPDATE orders.orders SET status = 'delivered' WHERE id = '" + first + "' RETURNING 1");
  REQUIRE(shop.call("DELETE", "/me", password, customer.access_token).status == 204);
  CHECK(eventually([&] {
    return query_value(shop.db().url(), "SELECT status FROM orders.orders WHERE id = '" + second + "'") ==
           "cancelled";
  }));
  CHECK(stock_of(shop, tea).second == 1);  // the paid order's unit stays held (it is sold in the next issue)
}
