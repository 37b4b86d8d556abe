// shopd-pg-standin, the payment gateway's stand-in, started as a binary on port 0 and spoken to over
// real HTTP, as shopd's gateway client will (the rules alone: tests/unit/pg_standin_state_test.cpp).
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/pg_standin_process.hpp"
#include "support/problem_assertions.hpp"

#include "shop/infra/crypto/base64.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <csignal>
#include <latch>
#include <thread>
#include <vector>

using shop::test::code_of;
using shop::test::HeaderList;
using shop::test::http_request;
using shop::test::HttpConnection;
using shop::test::HttpResponse;
using shop::test::PgStandinProcess;
using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

namespace {

std::string confirm_body(std::string_view payment_key, std::int64_t amount = 15'000,
                         std::string_view order_id = "order-0001") {
  return boost::json::serialize(
      boost::json::object{{"paymentKey", payment_key}, {"orderId", order_id}, {"amount", amount}});
}

HeaderList headers(const PgStandinProcess& pg, std::optional<std::string> idempotency_key = std::nullopt) {
  HeaderList out{pg.authorization()};
  if (idempotency_key) out.emplace_back("Idempotency-Key", *idempotency_key);
  return out;
}

HttpResponse confirm(const PgStandinProcess& pg, std::string_view payment_key,
                     std::optional<std::string> idempotency_key = std::nullopt,
                     std::int64_t amount = 15'000) {
  return http_request(pg.port(), "POST", "/v1/payments/confirm", confirm_body(payment_key, amount),
                      headers(pg, std::move(idempotency_key)));
}

HttpResponse lookup(const PgStandinProcess& pg, std::string_view payment_key) {
  return http_request(pg.port(), "GET", fmt::format("/v1/payments/{}", payment_key), {}, headers(pg));
}

HttpResponse cancel(const PgStandinProcess& pg, std::string_view payment_key,
                    std::optional<std::int64_t> amount,
                    std::optional<std::string> idempotency_key = std::nullopt) {
  boost::json::object body{{"cancelReason", "customer asked"}};
  if (amount) body["cancelAmount"] = *amount;
  return http_request(pg.port(), "POST", fmt::format("/v1/payments/{}/cancel", payment_key),
                      boost::json::serialize(body), headers(pg, std::move(idempotency_key)));
}

// RFC 3339 in Korean time, "2026-11-20T18:30:00+09:00": a digit wherever the shape has 'd'. (No
// std::regex: g++ 12 warns inside it under the sanitizers.)
bool is_rfc3339_kst(const boost::json::value& value) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd+09:00";
  if (!value.is_string() || value.as_string().size() != kShape.size()) return false;
  const std::string_view text = value.as_string();
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const bool ok = kShape[i] == 'd' ? text[i] >= '0' && text[i] <= '9' : text[i] == kShape[i];
    if (!ok) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("pg-standin approves a new paymentKey and looks it up", "[http][pg-standin]") {
  PgStandinProcess pg;
  const auto approved = confirm(pg, "pay-approve");
  REQUIRE(approved.status == 200);
  CHECK(approved.header("Content-Type") == "application/json");
  const auto body = approved.json().as_object();
  CHECK(body.at("paymentKey") == "pay-approve");
  CHECK(body.at("orderId") == "order-0001");
  CHECK(body.at("status") == "DONE");
  CHECK(body.at("totalAmount") == 15'000);
  CHECK(body.at("method") == "CARD");
  CHECK(is_rfc3339_kst(body.at("approvedAt")));
  CHECK(body.at("cancels").as_array().empty());

  const auto found = lookup(pg, "pay-approve");
  CHECK(found.status == 200);
  CHECK(found.body == approved.body);

  const auto missing = lookup(pg, "pay-unknown");
  CHECK(missing.status == 404);
  CHECK(code_of(missing) == "NOT_FOUND_PAYMENT");
  CHECK(pg.record_of("pay-approve").at("approvals") == 1);
}

TEST_CASE("pg-standin refuses calls without the secret key as Basic user name", "[http][pg-standin]") {
  PgStandinProcess pg("test_sk_right");
  const auto basic = [](std::string_view credentials) {
    return HeaderList{{"Authorization", "Basic " + shop::infra::crypto::encode_base64(credentials)}};
  };
  const std::vector<std::pair<std::string, HeaderList>> wrong{
      {"no Authorization", {}},
      {"another key", basic("test_sk_wrong:")},
      {"a password", basic("test_sk_right:secret")},
      {"no colon", basic("test_sk_right")},
      {"not base64", {{"Authorization", "Basic test_sk_right:"}}},
      {"a Bearer token", {{"Authorization", "Bearer test_sk_right"}}},
  };
  for (const auto& [name, credentials] : wrong) {
    INFO(name);
    const auto refused =
        http_request(pg.port(), "POST", "/v1/payments/confirm", confirm_body("pay-auth"), credentials);
    CHECK(refused.status == 401);
    CHECK(code_of(refused) == "UNAUTHORIZED_KEY");
    CHECK(refused.json().at("message").is_string());
    CHECK(refused.header("WWW-Authenticate").has_value());
    CHECK(http_request(pg.port(), "GET", "/v1/payments/pay-auth", {}, credentials).status == 401);
  }
  CHECK(pg.record().at("payments").as_object().empty());

  CHECK(http_request(pg.port(), "POST", "/v1/payments/confirm", confirm_body("pay-auth"),
                     basic("test_sk_right:"))
            .status == 200);
}

TEST_CASE("pg-standin refuses a malformed confirm body with INVALID_REQUEST", "[http][pg-standin]") {
  PgStandinProcess pg;
  for (const std::string body : {
           "not json",
           "[1,2]",
           R"({"paymentKey":"p-1","orderId":"order-0001"})",
           R"({"paymentKey":"p-1","orderId":"order-0001","amount":"15000"})",
           R"({"paymentKey":"p-1","orderId":"order-0001","amount":0})",
           R"({"paymentKey":"p-1","orderId":"order-0001","amount":1.5})",
           R"({"paymentKey":"p-1","orderId":"o-1","amount":15000})",
           R"({"paymentKey":"p/1","orderId":"order-0001","amount":15000})",
           R"({"paymentKey":"p-1","orderId":"order-0001","amount":15000,"extra":1})",
       }) {
    INFO(body);
    const auto refused = http_request(pg.port(), "POST", "/v1/payments/confirm", body, headers(pg));
    CHECK(refused.status == 400);
    CHECK(code_of(refused) == "INVALID_REQUEST");
  }
  const auto bad_key = http_request(pg.port(), "POST", "/v1/payments/confirm", confirm_body("pay-1"),
                                    headers(pg, std::string(301, 'k')));
  CHECK(bad_key.status == 400);
  CHECK(code_of(bad_key) == "INVALID_REQUEST");
  CHECK(lookup(pg, "p-1").status == 404);
  CHECK(pg.record().at("payments").as_object().empty());
}

TEST_CASE("pg-standin declines decline- keys and fails error- keys", "[http][pg-standin]") {
  PgStandinProcess pg;
  const auto declined = confirm(pg, "decline-card");
  CHECK(declined.status == 400);
  CHECK(code_of(declined) == "REJECT_CARD_PAYMENT");
  const auto aborted = lookup(pg, "decline-card");
  CHECK(aborted.status == 200);
  CHECK(aborted.json().at("status") == "ABORTED");
  CHECK(aborted.json().at("approvedAt").is_null());

  const auto failed = confirm(pg, "error-gateway", "idem-error");
  CHECK(failed.status == 500);
  CHECK(code_of(failed) == "FAILED_INTERNAL_SYSTEM_PROCESSING");
  // Nothing was charged, and a retry under the same Idempotency-Key fails again.
  CHECK(lookup(pg, "error-gateway").status == 404);
  CHECK(confirm(pg, "error-gateway", "idem-error").status == 500);

  CHECK(pg.record_of("decline-card").at("approvals") == 0);
  const auto error_record = pg.record_of("error-gateway");
  CHECK(error_record.at("confirm_requests") == 2);
  CHECK(error_record.at("approvals") == 0);
}

TEST_CASE("pg-standin never answers a hang- confirm, records it DONE, and keeps serving",
          "[http][pg-standin]") {
  PgStandinProcess pg;
  // More hung requests than the server has I/O threads: none of them may hold one.
  std::vector<std::unique_ptr<HttpConnection>> hung;
  for (int i = 0; i < 4; ++i) {
    hung.push_back(std::make_unique<HttpConnection>(pg.port(), 300ms));
    hung.back()->send(shop::test::format_request("POST", "/v1/payments/confirm",
                                                 confirm_body(fmt::format("hang-{}", i)),
                                                 headers(pg, fmt::format("idem-hang-{}", i))));
  }
  REQUIRE(shop::test::eventually([&] {
    const auto payments = pg.record().at("payments").as_object();
    return payments.size() == hung.size();
  }));
  CHECK(confirm(pg, "pay-beside-hang").status == 200);

  for (auto& connection : hung)
    CHECK_THROWS_WITH(connection->read_response(), "timed out waiting for the server");
  // The gateway charged the card; only its answer was lost. Looking it up tells the outcome.
  const auto found = lookup(pg, "hang-0");
  REQUIRE(found.status == 200);
  CHECK(found.json().at("status") == "DONE");
  CHECK(is_rfc3339_kst(found.json().at("approvedAt")));
  // A retry under the same Idempotency-Key hangs too, and charges nothing more.
  HttpConnection retry(pg.port(), 300ms);
  retry.send(shop::test::format_request("POST", "/v1/payments/confirm", confirm_body("hang-0"),
                                        headers(pg, "idem-hang-0")));
  CHECK_THROWS(retry.read_response());
  const auto record = pg.record_of("hang-0");
  CHECK(record.at("confirm_requests") == 2);
  CHECK(record.at("approvals") == 1);
}

TEST_CASE("pg-standin stops promptly on SIGTERM while a hang- confirm is open", "[http][pg-standin]") {
  PgStandinProcess pg;
  HttpConnection hung(pg.port(), 5s);
  hung.send(
      shop::test::format_request("POST", "/v1/payments/confirm", confirm_body("hang-shutdown"), headers(pg)));
  REQUIRE(shop::test::eventually([&] { return lookup(pg, "hang-shutdown").status == 200; }));
  pg.signal(SIGTERM);
  // The drain gives answers in flight a second, then drops the unanswered one without an answer.
  CHECK(pg.wait_for_exit(5s) == 0);
  CHECK_THROWS_WITH(hung.read_response(), "connection closed before a response");
}

TEST_CASE("pg-standin in mode down refuses every /v1 call with 503 until up again", "[http][pg-standin]") {
  PgStandinProcess pg;
  REQUIRE(confirm(pg, "pay-before-down").status == 200);
  pg.set_mode("down");
  const auto refused = confirm(pg, "pay-while-down");
  CHECK(refused.status == 503);
  CHECK(code_of(refused) == "SERVICE_UNAVAILABLE");
  CHECK(lookup(pg, "pay-before-down").status == 503);
  CHECK(cancel(pg, "pay-before-down", {}).status == 503);
  // Refused before anything else: even without credentials it is 503, not 401.
  CHECK(http_request(pg.port(), "POST", "/v1/payments/confirm", confirm_body("pay-while-down")).status ==
        503);

  const auto record = pg.record();
  CHECK(record.at("mode") == "down");
  CHECK(record.at("refused_while_down") == 4);
  CHECK_FALSE(record.at("payments").as_object().contains("pay-while-down"));

  pg.set_mode("up");
  CHECK(confirm(pg, "pay-while-down").status == 200);
  CHECK(lookup(pg, "pay-before-down").json().at("status") == "DONE");
}

TEST_CASE("pg-standin in mode slow answers after the delay, and a confirm it answers late is charged",
          "[http][pg-standin]") {
  PgStandinProcess pg;
  pg.set_mode("slow", 300);
  CHECK(pg.record().at("delay_ms") == 300);
  const auto started = std::chrono::steady_clock::now();
  CHECK(confirm(pg, "pay-slow").status == 200);
  CHECK(std::chrono::steady_clock::now() - started >= 300ms);

  // A client that gives up first has still been charged.
  HttpConnection impatient(pg.port(), 100ms);
  impatient.send(shop::test::format_request("POST", "/v1/payments/confirm", confirm_body("pay-slow-timeout"),
                                            headers(pg)));
  CHECK_THROWS_WITH(impatient.read_response(), "timed out waiting for the server");
  pg.set_mode("up");
  const auto found = lookup(pg, "pay-slow-timeout");
  REQUIRE(found.status == 200);
  CHECK(found.json().at("status") == "DONE");

  pg.set_mode("slow");
  CHECK(pg.record().at("delay_ms") == 3000);
}

TEST_CASE("pg-standin replays a confirm under the same Idempotency-Key and refuses the rest",
          "[http][pg-standin]") {
  PgStandinProcess pg;
  const auto first = confirm(pg, "pay-idem", "idem-1");
  REQUIRE(first.status == 200);

  const auto again = confirm(pg, "pay-idem", "idem-1");
  CHECK(again.status == 200);
  CHECK(again.body == first.body);

  const auto reused = confirm(pg, "pay-idem", "idem-1", 16'000);
  CHECK(reused.status == 422);
  CHECK(code_of(reused) == "IDEMPOTENT_REQUEST_PROCESSING");

  const auto without_key = confirm(pg, "pay-idem");
  CHECK(without_key.status == 400);
  CHECK(code_of(without_key) == "ALREADY_PROCESSED_PAYMENT");
  const auto other_key = confirm(pg, "pay-idem", "idem-2");
  CHECK(other_key.status == 400);
  CHECK(code_of(other_key) == "ALREADY_PROCESSED_PAYMENT");

  const auto mismatch = confirm(pg, "pay-idem", "idem-3", 16'000);
  CHECK(mismatch.status == 400);
  CHECK(code_of(mismatch) == "PAYMENT_MISMATCH");

  const auto record = pg.record_of("pay-idem");
  CHECK(record.at("confirm_requests") == 6);
  CHECK(record.at("approvals") == 1);
  CHECK(record.at("idempotency_keys") == boost::json::array{"idem-1", "idem-2", "idem-3"});
}

TEST_CASE("pg-standin cancels in full, in parts, never beyond the balance, once per Idempotency-Key",
          "[http][pg-standin]") {
  PgStandinProcess pg;
  REQUIRE(confirm(pg, "pay-full").status == 200);
  const auto full = cancel(pg, "pay-full", {});
  REQUIRE(full.status == 200);
  const auto full_body = full.json();
  CHECK(full_body.at("status") == "CANCELED");
  CHECK(full_body.at("balanceAmount") == 0);
  const auto& full_cancels = full_body.at("cancels").as_array();
  REQUIRE(full_cancels.size() == 1);
  CHECK(full_cancels[0].at("cancelAmount") == 15'000);
  CHECK(full_cancels[0].at("cancelReason") == "customer asked");
  CHECK(is_rfc3339_kst(full_cancels[0].at("canceledAt")));
  CHECK(code_of(cancel(pg, "pay-full", {})) == "ALREADY_CANCELED_PAYMENT");

  REQUIRE(confirm(pg, "pay-part", std::nullopt, 10'000).status == 200);
  const auto part = cancel(pg, "pay-part", 3'000, "cancel-1");
  REQUIRE(part.status == 200);
  CHECK(part.json().at("status") == "PARTIAL_CANCELED");
  CHECK(part.json().at("balanceAmount") == 7'000);
  // The same Idempotency-Key answers the same and cancels nothing more.
  const auto repeated = cancel(pg, "pay-part", 3'000, "cancel-1");
  CHECK(repeated.status == 200);
  CHECK(repeated.body == part.body);
  CHECK(lookup(pg, "pay-part").json().at("balanceAmount") == 7'000);

  const auto over = cancel(pg, "pay-part", 7'001, "cancel-2");
  CHECK(over.status == 400);
  CHECK(code_of(over) == "NOT_CANCELABLE_AMOUNT");
  const auto rest = cancel(pg, "pay-part", 7'000, "cancel-3");
  REQUIRE(rest.status == 200);
  CHECK(rest.json().at("status") == "CANCELED");
  CHECK(rest.json().at("cancels").as_array().size() == 2);

  CHECK(code_of(cancel(pg, "pay-none", {})) == "NOT_FOUND_PAYMENT");
  const auto no_reason = http_request(pg.port(), "POST", "/v1/payments/pay-part/cancel",
                                      R"({"cancel_amount":1000,"cancelReason":"x"})", headers(pg));
  CHECK(no_reason.status == 400);
  CHECK(code_of(no_reason) == "INVALID_REQUEST");

  const auto record = pg.record_of("pay-part");
  CHECK(record.at("cancel_requests") == 4);
  CHECK(record.at("cancels") ==
        boost::json::array{boost::json::object{{"amount", 3'000}, {"idempotency_key", "cancel-1"}},
                           boost::json::object{{"amount", 7'000}, {"idempotency_key", "cancel-3"}}});
}

TEST_CASE("pg-standin approves one charge under 20 concurrent duplicate confirms", "[http][pg-standin]") {
  PgStandinProcess pg;
  constexpr int kClients = 20;
  std::vector<std::unique_ptr<HttpConnection>> connections;
  connections.reserve(kClients);
  for (int i = 0; i < kClients; ++i) connections.push_back(std::make_unique<HttpConnection>(pg.port()));
  const auto request = shop::test::format_request("POST", "/v1/payments/confirm", confirm_body("pay-race"),
                                                  headers(pg, "idem-race"));
  std::vector<HttpResponse> responses(kClients);
  std::latch start(kClients);
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      start.arrive_and_wait();
      auto& connection = *connections[static_cast<std::size_t>(i)];
      connection.send(request);
      responses[static_cast<std::size_t>(i)] = connection.read_response();
    });
  }
  for (auto& c : clients) c.join();
  for (const auto& response : responses) {
    CHECK(response.status == 200);
    CHECK(response.body == responses.front().body);
  }
  const auto record = pg.record_of("pay-race");
  CHECK(record.at("confirm_requests") == kClients);
  CHECK(record.at("approvals") == 1);
  CHECK(record.at("idempotency_keys") == boost::json::array{"idem-race"});
}

TEST_CASE("pg-standin control refuses what it does not know", "[http][pg-standin]") {
  PgStandinProcess pg;
  for (const std::string body : {R"({"mode":"sideways"})", R"({"mode":"up","delay_ms":100})",
                                 R"({"mode":"slow","delay_ms":-1})", R"({"delay_ms":100})", "nope"}) {
    INFO(body);
    const auto refused = http_request(pg.port(), "POST", "/control", body);
    CHECK(refused.status == 400);
    CHECK(code_of(refused) == "INVALID_REQUEST");
  }
  CHECK(pg.record().at("mode") == "up");
}

TEST_CASE("pg-standin documents itself in --help and refuses bad arguments", "[http][pg-standin]") {
  const auto help = shop::test::run_pg_standin({"--help"});
  CHECK(help.exit_code == 0);
  for (const auto* part : {"--listen HOST:PORT", "--secret-key KEY", "/v1/payments/confirm", "decline-",
                           "error-", "hang-", "POST /control", "GET  /control/record", "approvals"}) {
    INFO(part);
    CHECK(help.output.find(part) != std::string::npos);
  }
  CHECK(shop::test::run_pg_standin({"--listen", "127.0.0.1:0"}).exit_code == 2);
  CHECK(shop::test::run_pg_standin({"--secret-key", "k", "--listen", "nowhere"}).exit_code == 2);
  CHECK(shop::test::run_pg_standin({"--secret-key", "k", "--verbose"}).exit_code == 2);
}
