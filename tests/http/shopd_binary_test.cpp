// The real shopd binary, started as an operator would, on port 0 against a fresh database.
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/private_cluster.hpp"
#include "support/shopd_process.hpp"
#include "support/test_database.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <map>
#include <set>
#include <sstream>
#include <thread>

using shop::test::base_shopd_env;
using shop::test::http_request;
using shop::test::HttpConnection;
using shop::test::query_value;
using shop::test::run_shopd;
using shop::test::ShopdProcess;
using shop::test::TestDatabase;
using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// Polls until `path` answers `status` or the deadline passes; returns the last status seen.
unsigned await_status(std::uint16_t port, const std::string& path, unsigned status,
                      std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  unsigned last = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    last = http_request(port, "GET", path).status;
    if (last == status) break;
    std::this_thread::sleep_for(100ms);
  }
  return last;
}

}  // namespace

TEST_CASE("serve migrates a fresh database and answers the operations endpoints", "[http][binary]") {
  TestDatabase db;
  ShopdProcess shopd(base_shopd_env(db.url()));
  const auto port = shopd.wait_until_listening();

  const auto health = http_request(port, "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(health.json().at("status") == "ok");

  const auto ready = http_request(port, "GET", "/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.json().at("status") == "ready");
  CHECK(query_value(db.url(), "SELECT count(*) > 0 FROM shopd.schema_migrations") == "t");

  // Requests are counted after their response is written: give the last one a moment.
  shop::test::HttpResponse metrics;
  shop::test::eventually([&] {
    metrics = http_request(port, "GET", "/metrics");
    return contains(metrics.body, R"(route="/readyz",method="GET",le="+Inf"})");
  });
  CHECK(metrics.status == 200);
  CHECK(contains(*metrics.header("Content-Type"), "text/plain"));
  CHECK(contains(metrics.body, R"(shopd_http_requests_total{route="/healthz",method="GET",status="200"} 1)"));
  CHECK(contains(metrics.body,
                 R"(shopd_http_request_duration_seconds_bucket{route="/readyz",method="GET",le="+Inf"} 1)"));
  CHECK(contains(metrics.body, "shopd_db_pool_in_use "));
  CHECK(contains(metrics.body, "shopd_db_pool_waiting 0"));
  CHECK(contains(metrics.body, "shopd_db_pool_size 4"));
}

TEST_CASE("the OpenAPI document lists exactly the routes the router serves", "[http][binary][openapi]") {
  TestDatabase db;
  const auto env = base_shopd_env(db.url());
  const auto routes = run_shopd({"routes"}, env);
  REQUIRE(routes.exit_code == 0);
  // Each line: METHOD PATH ACCESS, where ACCESS is `anyone`, `anyone_or_signed_in`, `signed_in` or
  // `roles:r1,r2`.
  std::set<std::string> served;
  std::map<std::string, std::string> access_of;
  std::istringstream lines(routes.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string method, path, access, extra;
    fields >> method >> path >> access;
    INFO("routes line: " << line);
    CHECK_FALSE(fields >> extra);
    CHECK((access == "anyone" || access == "anyone_or_signed_in" || access == "signed_in" ||
           (access.starts_with("roles:") && access.size() > 6)));
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    served.insert(method + " " + path);
    access_of[method + " " + path] = access;
  }
  REQUIRE_FALSE(served.empty());

  ShopdProcess shopd(env);
  const auto port = shopd.wait_until_listening();
  const auto doc = http_request(port, "GET", "/openapi.json");
  REQUIRE(doc.status == 200);
  const auto json = doc.json();
  CHECK(json.at("openapi").as_string().starts_with("3.1"));
  std::set<std::string> documented;
  std::set<std::string> operation_ids;
  const std::set<std::string> kMethods = {"get", "post", "put", "patch", "delete", "head", "options"};
  for (const auto& [path, item] : json.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      if (kMethods.contains(std::string(method)))
        documented.insert(std::string(method) + " " + std::string(path));
      const auto key = std::string(method) + " " + std::string(path);
      INFO(key);
      CHECK(operation.as_object().contains("responses"));
      if (!kMethods.contains(std::string(method))) continue;
      // What Redocly's recommended rules ask of every operation (scripts/lint-openapi.sh runs them
      // all): a unique operationId and at least one 4XX answer.
      const auto* operation_id = operation.as_object().if_contains("operationId");
      REQUIRE((operation_id != nullptr && operation_id->is_string()));
      CHECK(operation_ids.insert(std::string(operation_id->as_string())).second);
      const auto* responses = operation.as_object().if_contains("responses");
      CHECK((responses != nullptr &&
             std::any_of(responses->as_object().begin(), responses->as_object().end(),
                         [](const auto& response) { return response.key().starts_with("4"); })));
      // An operation declares security exactly when its route needs a caller, and one open to
      // anyone says so with `security: []`.
      const auto served_access = access_of.find(key);
      if (served_access == access_of.end()) continue;
      const auto* security = operation.as_object().if_contains("security");
      REQUIRE((security != nullptr && security->is_array()));
      const bool secured = !security->as_array().empty();
      INFO(key << " is served to " << served_access->second);
      CHECK(secured == (served_access->second != "anyone"));
      // A route open to anyone that a token tells more lists the empty requirement too.
      const bool anonymous_allowed =
          secured && std::any_of(security->as_array().begin(), security->as_array().end(),
                                 [](const auto& requirement) { return requirement.as_object().empty(); });
      CHECK(anonymous_allowed == (served_access->second == "anyone_or_signed_in"));
    }
  }
  CHECK(documented == served);
}

TEST_CASE("error responses of the binary are problem documents", "[http][binary]") {
  TestDatabase db;
  ShopdProcess shopd(base_shopd_env(db.url()));
  const auto port = shopd.wait_until_listening();

  const auto missing = http_request(port, "GET", "/api/v1/nothing");
  CHECK(missing.status == 404);
  CHECK(missing.header("Content-Type") == "application/problem+json");
  CHECK(missing.json().at("code") == "not_found");

  const auto wrong = http_request(port, "POST", "/healthz");
  CHECK(wrong.status == 405);
  CHECK(wrong.header("Allow") == "GET");

  HttpConnection big(port);
  big.send(
      "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
      "1048577\r\n\r\n");
  CHECK(big.read_response().status == 413);

  const auto echoed = http_request(port, "GET", "/healthz", "", {{"X-Request-Id", "trace-42"}});
  CHECK(echoed.header("X-Request-Id") == "trace-42");
  // The access line follows the response.
  CHECK(shop::test::eventually([&] { return contains(shopd.log(), "req=trace-42"); }));
}

TEST_CASE("SIGTERM drains: idle connections close and the process exits 0", "[http][binary][drain]") {
  TestDatabase db;
  ShopdProcess shopd(base_shopd_env(db.url()));
  const auto port = shopd.wait_until_listening();
  HttpConnection idle(port);
  CHECK(idle.request("GET", "/healthz").status == 200);

  shopd.signal(SIGTERM);
  CHECK(idle.closed_by_peer(5000ms));
  const auto exit_code = shopd.wait_for_exit(10s);
  INFO("log:\n" << shopd.log());
  CHECK(exit_code == 0);
  CHECK(contains(shopd.log(), "msg=drained"));
  CHECK(shop::test::connection_refused(port));
}

TEST_CASE("/readyz follows PostgreSQL going away and coming back", "[http][binary][restart][slow]") {
  shop::test::PrivateCluster cluster;
  ShopdProcess shopd(base_shopd_env(cluster.url()));
  const auto port = shopd.wait_until_listening();
  REQUIRE(http_request(port, "GET", "/readyz").status == 200);

  cluster.stop();
  const auto down = http_request(port, "GET", "/readyz");
  CHECK(down.status == 503);
  CHECK(down.json().at("code") == "not_ready");
  CHECK(down.header("Retry-After"));
  CHECK(http_request(port, "GET", "/healthz").status == 200);  // alive, just not ready

  cluster.start();
  CHECK(await_status(port, "/readyz", 200, 20s) == 200);
  // Every pooled connection was replaced: a burst of checks all succeed.
  for (int i = 0; i < 10; ++i) CHECK(http_request(port, "GET", "/readyz").status == 200);
}

TEST_CASE("without auto-migrate, serve refuses pending migrations until `shopd migrate`",
          "[http][binary][migrations]") {
  TestDatabase db;
  auto env = base_shopd_env(db.url());
  env.emplace_back("SHOPD_AUTO_MIGRATE", "false");

  const auto refused = run_shopd({"serve"}, env);
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.output, "shopd migrate"));

  const auto migrated = run_shopd({"migrate"}, env);
  CHECK(migrated.exit_code == 0);
  CHECK(run_shopd({"migrate"}, env).exit_code == 0);  // again: nothing to do

  ShopdProcess shopd(env);
  const auto port = shopd.wait_until_listening();
  CHECK(http_request(port, "GET", "/readyz").status == 200);
}

TEST_CASE("an edited migration stops serve and migrate", "[http][binary][migrations]") {
  TestDatabase db;
  const auto env = base_shopd_env(db.url());
  REQUIRE(run_shopd({"migrate"}, env).exit_code == 0);
  query_value(db.url(), "UPDATE shopd.schema_migrations SET checksum = 'edited' WHERE version = 1");

  const auto serve = run_shopd({"serve"}, env);
  CHECK(serve.exit_code == 1);
  CHECK(contains(serve.output, "edited"));
  CHECK(run_shopd({"migrate"}, env).exit_code == 1);
}

TEST_CASE("a bad configuration value stops the process with a message naming the key",
          "[http][binary][config]") {
  TestDatabase db;
  auto env = base_shopd_env(db.url());
  env.emplace_back("SHOPD_IO_THREADS", "many");
  const auto result = run_shopd({"serve"}, env);
  CHECK(result.exit_code == 2);
  CHECK(contains(result.output, "server.io_threads"));
  CHECK(contains(result.output, "SHOPD_IO_THREADS"));
}

TEST_CASE("production refuses to auto-migrate", "[http][binary][config]") {
  TestDatabase db;
  auto env = base_shopd_env(db.url());
  env.emplace_back("SHOPD_ENV", "production");
  env.emplace_back("SHOPD_AUTO_MIGRATE", "true");
  const auto result = run_shopd({"serve"}, env);
  CHECK(result.exit_code == 2);
  CHECK(contains(result.output, "database.auto_migrate"));
}

TEST_CASE("the shipped config file is valid and --help lists commands and keys", "[http][binary][config]") {
  TestDatabase db;
  auto env = base_shopd_env(db.url());
  env.emplace_back("SHOPD_CONFIG", std::string(SHOP_SOURCE_DIR) + "/config/shopd.toml");
  CHECK(run_shopd({"routes"}, env).exit_code == 0);

  const auto help = run_shopd({"--help"}, env);
  CHECK(help.exit_code == 0);
  for (const char* word :
       {"serve", "migrate", "routes", "SHOPD_LISTEN", "SHOPD_DATABASE_URL", "database.pool_size"}) {
    CHECK(contains(help.output, word));
  }
  CHECK(run_shopd({"frobnicate"}, env).exit_code == 2);
}

TEST_CASE("production refuses to start without secret keys; with them it serves",
          "[http][binary][config][keys]") {
  TestDatabase db;
  auto env = base_shopd_env(db.url());
  REQUIRE(run_shopd({"migrate"}, env).exit_code == 0);
  env.emplace_back("SHOPD_ENV", "production");
  const auto refused = run_shopd({"serve"}, env);
  CHECK(refused.exit_code == 2);
  CHECK(contains(refused.output, "SHOPD_SECRET_KEYS"));

  env.emplace_back("SHOPD_SECRET_KEYS", "1:not-base64!");
  const auto malformed = run_shopd({"serve"}, env);
  CHECK(malformed.exit_code == 2);
  CHECK_FALSE(contains(malformed.output, "not-base64!"));  // key material never echoed

  env.back().second = "7:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  ShopdProcess shopd(env);
  const auto port = shopd.wait_until_listening();
  CHECK(http_request(port, "GET", "/readyz").status == 200);
}

TEST_CASE("development generates a secret key file once and says so", "[http][binary][keys]") {
  TestDatabase db;
  auto env = base_shopd_env(db.url());
  const std::string key_file = fmt::format("/tmp/shopd-devkey-{}-{}.keys", ::getpid(), db.name());
  env.emplace_back("SHOPD_DEV_KEY_FILE", key_file);
  std::remove(key_file.c_str());
  {
    ShopdProcess first(env);
    first.wait_until_listening();
    CHECK(contains(first.log(), "generated a development secret key"));
  }
  struct stat info {};
  REQUIRE(::stat(key_file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  {
    ShopdProcess second(env);
    second.wait_until_listening();
    CHECK(contains(second.log(), "using the development secret key"));
  }
  std::remove(key_file.c_str());
}
