// The HTTP edge's limits in the real binary, as an operator runs it: client addresses behind a
// proxy, connection caps, what reaches the log, /metrics on a listener of its own.
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/shopd_process.hpp"
#include "support/test_database.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

using shop::test::base_shopd_env;
using shop::test::eventually;
using shop::test::http_request;
using shop::test::HttpConnection;
using shop::test::ShopdProcess;
using shop::test::TestDatabase;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The first log line holding `part` (without its newline), once shopd has written it.
std::string log_line(const ShopdProcess& shopd, std::string_view part) {
  std::string log;
  REQUIRE(eventually([&] { return contains(log = shopd.log(), part); }, 5s));
  const auto at = log.find(part);
  const auto start = log.rfind('\n', at);
  const auto begin = start == std::string::npos ? 0 : start + 1;
  return log.substr(begin, log.find('\n', at) - begin);
}

// The value of `key=` in a logfmt line.
std::string field(const std::string& line, std::string_view key) {
  const auto prefix = fmt::format(" {}=", key);
  const auto at = line.find(prefix);
  if (at == std::string::npos) return "";
  const auto begin = at + prefix.size();
  return line.substr(begin, line.find(' ', begin) - begin);
}

// The client the access log names for a GET /healthz sent through a proxy on loopback.
std::string logged_client(const ShopdProcess& shopd, std::uint16_t port, const std::string& request_id,
                          const std::string& forwarded_for) {
  shop::test::HeaderList headers{{"X-Request-Id", request_id}};
  if (!forwarded_for.empty()) headers.emplace_back("X-Forwarded-For", forwarded_for);
  REQUIRE(http_request(port, "GET", "/healthz", "", headers).status == 200);
  return field(log_line(shopd, "req=" + request_id + " "), "client");
}

}  // namespace

TEST_CASE("the binary takes the client from X-Forwarded-For only as far as trusted proxies vouch",
          "[http][binary][edge][proxy]") {
  TestDatabase db;
  {
    auto env = base_shopd_env(db.url());
    env.emplace_back("SHOPD_TRUSTED_PROXIES", "127.0.0.1, 198.51.100.0/24");
    ShopdProcess shopd(env);
    const auto port = shopd.wait_until_listening();
    // The right-most address no trusted proxy stands for; what the client wrote left of it is not believed.
    CHECK(logged_client(shopd, port, "xff-1", "192.0.2.66, 203.0.113.5") == "203.0.113.5");
    CHECK(logged_client(shopd, port, "xff-2", "203.0.113.5, 198.51.100.7") == "203.0.113.5");
    // A malformed entry: the last trusted hop is as far as can be seen.
    CHECK(logged_client(shopd, port, "xff-3", "203.0.113.9, bogus, 198.51.100.7") == "198.51.100.7");
    CHECK(logged_client(shopd, port, "xff-4", "") == "127.0.0.1");
    CHECK(field(log_line(shopd, "req=xff-1 "), "remote").starts_with("127.0.0.1:"));  // the raw peer stays
  }
  {
    ShopdProcess shopd(base_shopd_env(db.url()));  // trusts nobody: the header is ignored
    const auto port = shopd.wait_until_listening();
    CHECK(logged_client(shopd, port, "xff-5", "203.0.113.5") == "127.0.0.1");
  }
}

TEST_CASE("the binary's per-address login limit counts the forwarded client, an IPv6 one by its /64",
          "[http][binary][edge][proxy]") {
  TestDatabase db;
  auto env = base_shopd_env(db.url());
  env.emplace_back("SHOPD_TRUSTED_PROXIES", "127.0.0.1");
  env.emplace_back("SHOPD_LOGIN_LIMIT_PER_ADDRESS", "2");
  ShopdProcess shopd(env);
  const auto port = shopd.wait_until_listening();
  int attempt = 0;
  const auto login = [&](const std::string& client) {
    const auto body = boost::json::serialize(
        boost::json::object{{"username", "guess_" + std::to_string(++attempt)}, {"password", "wrong"}});
    return http_request(port, "POST", "/api/v1/auth/login", body,
                        {{"Content-Type", "application/json"}, {"X-Forwarded-For", client}})
        .status;
  };
  CHECK(login("203.0.113.5") == 401);
  CHECK(login("203.0.113.5") == 401);
  CHECK(login("203.0.113.5") == 429);
  CHECK(login("203.0.113.6") == 401);  // another client behind the same proxy

  CHECK(login("2001:db8:1:2::1") == 401);
  CHECK(login("2001:db8:1:2:ffff::2") == 401);
  CHECK(login("2001:db8:1:2:abcd::3") == 429);  // a fresh address in the same /64
  CHECK(login("2001:db8:1:3::1") == 401);
}

TEST_CASE("the binary caps connections in total and per address and goes on serving the open ones",
          "[http][binary][edge][connections]") {
  TestDatabase db;
  auto env = base_shopd_env(db.url());
  env.emplace_back("SHOPD_MAX_CONNECTIONS", "20");
  env.emplace_back("SHOPD_MAX_CONNECTIONS_PER_ADDRESS", "5");
  env.emplace_back("SHOPD_READ_TIMEOUT", "60s");  // the crowd holds its connections idle
  ShopdProcess shopd(env);
  const auto port = shopd.wait_until_listening();
  HttpConnection keep_alive(port);
  REQUIRE(keep_alive.request("GET", "/healthz").status == 200);

  // 8 from one address (5 fit), then 5 each from three more: with the one above that is 21, so the
  // last of them finds the server full, and so do 3 from a sixth address.
  const std::vector<std::pair<std::string, int>> crowd_plan = {
      {"127.0.0.2", 8}, {"127.0.0.3", 5}, {"127.0.0.4", 5}, {"127.0.0.5", 5}, {"127.0.0.6", 3}};
  std::vector<std::pair<std::string, std::unique_ptr<HttpConnection>>> crowd;
  for (const auto& [address, count] : crowd_plan) {
    for (int i = 0; i < count; ++i)
      crowd.emplace_back(address, std::make_unique<HttpConnection>(port, address));
  }
  // The server takes connections in order, so once this one is answered every earlier one has been.
  HttpConnection late(port, "127.0.0.7");
  const auto refused = late.read_response();
  CHECK(refused.status == 503);
  CHECK(refused.json().at("code") == "too_many_connections");
  CHECK(refused.header("Connection") == "close");
  CHECK(refused.header("X-Request-Id"));
  CHECK(late.closed_by_peer(2000ms));

  std::map<std::string, int> held;
  for (const auto& [address, conn] : crowd) {
    if (!conn->closed_by_peer(100ms)) ++held[address];
  }
  CHECK(held ==
        std::map<std::string, int>{{"127.0.0.2", 5}, {"127.0.0.3", 5}, {"127.0.0.4", 5}, {"127.0.0.5", 4}});

  // The connection opened first is still served, from the database.
  const auto ready = keep_alive.request("GET", "/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.json().at("status") == "ready");
  const auto metrics = keep_alive.request("GET", "/metrics").body;
  CHECK(contains(metrics, R"(shopd_http_refused_connections_total{reason="per_address"} 3)"));
  CHECK(contains(metrics, R"(shopd_http_refused_connections_total{reason="max_connections"} 5)"));
  CHECK(contains(metrics, "shopd_http_open_connections 20"));

  // Room frees up as connections close.
  crowd.clear();
  CHECK(eventually([&] { return http_request(port, "GET", "/healthz").status == 200; }, 5s));
}

TEST_CASE("the binary sizes its connection cap to the descriptor limit and never runs out of descriptors",
          "[http][binary][edge][connections]") {
  TestDatabase db;
  const auto env = base_shopd_env(db.url());
  ShopdProcess shopd(env, {"serve"}, {.open_files_soft = 200, .open_files_hard = 300});
  const auto port = shopd.wait_until_listening();
  // The soft limit is raised to the hard one, and the choice is logged.
  const auto line = log_line(shopd, "msg=\"file descriptors\"");
  CHECK(field(line, "limit") == "300");
  CHECK(field(line, "raised_from") == "200");
  const auto cap = std::stoi(field(line, "max_connections"));
  CHECK(cap > 100);
  CHECK(cap < 300 - 4 - 4 - 1);  // both database pools and the event listener stay free
  HttpConnection keep_alive(port);
  REQUIRE(keep_alive.request("GET", "/readyz").status == 200);

  // More connections than the process has descriptors, from three addresses (each under its cap).
  std::vector<std::unique_ptr<HttpConnection>> crowd;
  for (const char* address : {"127.0.0.2", "127.0.0.3", "127.0.0.4"}) {
    for (int i = 0; i < 110; ++i) crowd.push_back(std::make_unique<HttpConnection>(port, address));
  }
  HttpConnection late(port, "127.0.0.5");
  CHECK(late.read_response().status == 503);

  const auto metrics = keep_alive.request("GET", "/metrics").body;
  CHECK(contains(metrics, "shopd_http_open_connections " + std::to_string(cap)));
  CHECK(contains(metrics, R"(shopd_http_refused_connections_total{reason="max_connections"} )" +
                              std::to_string(330 + 1 - (cap - 1))));
  CHECK(keep_alive.request("GET", "/readyz").status == 200);
  INFO(shopd.log());
  CHECK_FALSE(contains(shopd.log(), "Too many open files"));
  CHECK_FALSE(contains(shopd.log(), "accept failed"));
}

TEST_CASE("the binary refuses to start with more connections than its descriptors can hold",
          "[http][binary][edge][connections][config]") {
  TestDatabase db;
  auto env = base_shopd_env(db.url());
  env.emplace_back("SHOPD_MAX_CONNECTIONS", "1000");
  ShopdProcess shopd(env, {"serve"}, {.open_files_soft = 300, .open_files_hard = 300});
  CHECK(shopd.wait_for_exit(30s) == 2);
  CHECK(contains(shopd.log(), "server.max_connections"));
  CHECK(contains(shopd.log(), "ulimit -n"));
}

TEST_CASE("control bytes in a request reach the binary's log escaped, never raw",
          "[http][binary][edge][log]") {
  TestDatabase db;
  ShopdProcess shopd(base_shopd_env(db.url()));
  const auto port = shopd.wait_until_listening();
  const auto r = http_request(port, "GET",
                              "/x%0D%0Ats=2024-01-01T00:00:00.000Z%20level=error%20msg=forged%1B%5B31m%7F%00",
                              "", {{"X-Request-Id", "inject-1"}});
  CHECK(r.status == 404);
  const auto line = log_line(shopd, "req=inject-1 ");
  CHECK(contains(line, R"(path="/x\r\nts=2024-01-01T00:00:00.000Z level=error msg=forged\x1b[31m\x7f\x00")"));
  const auto log = shopd.log();
  for (const char c : log) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '\n') continue;
    INFO("byte " << static_cast<int>(byte) << " in the log");
    REQUIRE((byte >= 0x20 && byte != 0x7f));
  }
  CHECK_FALSE(contains(log, "\nts=2024-01-01"));
}

TEST_CASE("the binary serves /metrics only on server.metrics_listen when that is set",
          "[http][binary][edge][metrics]") {
  TestDatabase db;
  auto env = base_shopd_env(db.url());
  env.emplace_back("SHOPD_METRICS_LISTEN", "127.0.0.1:0");
  ShopdProcess shopd(env);
  const auto port = shopd.wait_until_listening();
  const auto address = field(log_line(shopd, "msg=listening listener=metrics "), "address");
  REQUIRE(address.starts_with("127.0.0.1:"));
  const auto metrics_port = static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
  CHECK(metrics_port != port);

  const auto metrics = http_request(metrics_port, "GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK(contains(*metrics.header("Content-Type"), "text/plain"));
  CHECK(contains(metrics.body, "shopd_http_open_connections "));
  CHECK(http_request(port, "GET", "/metrics").status == 404);
  CHECK(http_request(metrics_port, "GET", "/healthz").status == 404);
  CHECK(http_request(port, "GET", "/healthz").status == 200);
}
