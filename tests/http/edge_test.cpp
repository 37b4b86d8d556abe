// The HTTP edge in-process, over real sockets: a router with test routes behind the real Server.
#include "shop/infra/http/json_input.hpp"
#include "shop/infra/http/server.hpp"

#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/problem_assertions.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

namespace http = shop::infra::http;
using shop::test::code_of;
using shop::test::http_request;
using shop::test::HttpConnection;
using std::chrono_literals::operator""ms;

namespace {

http::Router make_router() {
  http::Router router;
  router.add(http::Method::kPost, "/echo", [](http::Request& req) -> boost::asio::awaitable<http::Response> {
    http::JsonInput in(req);
    auto name = in.root().text("name", {.min = 1, .max = 10});
    auto count = in.root().integer("count", 1, 5);
    in.finish();
    co_return http::json_response(200, {{"name", *name}, {"count", *count}});
  });
  router.add(http::Method::kGet, "/items/{id}",
             [](http::Request& req) -> boost::asio::awaitable<http::Response> {
               co_return http::json_response(200, {{"id", req.param("id")}});
             });
  router.add(http::Method::kGet, "/slow", [](http::Request&) -> boost::asio::awaitable<http::Response> {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, 400ms);
    co_await timer.async_wait(boost::asio::use_awaitable);
    co_return http::json_response(200, {{"slow", true}});
  });
  router.add(http::Method::kGet, "/boom", [](http::Request&) -> boost::asio::awaitable<http::Response> {
    throw std::runtime_error("secret internals");
    co_return http::Response{};
  });
  return router;
}

// Tokens "alice" (customer) and "root" (admin) are valid; anything else is not.
boost::asio::awaitable<std::optional<http::Caller>> test_callers(std::string token) {
  if (token == "alice") co_return http::Caller{"1", "customer", "s1"};
  if (token == "root") co_return http::Caller{"2", "admin", "s2"};
  co_return std::nullopt;
}

std::uint16_t port_of(const std::string& address) {
  return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

// A started server on a free port, drained and joined at scope exit.
struct TestServer {
  explicit TestServer(http::ServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    server = std::make_unique<http::Server>(options, router, test_callers, metrics, nullptr);
    server->start();
    port = port_of(server->local_address());
  }
  ~TestServer() {
    server->drain();
    server->wait();
  }
  http::Router router = make_router();
  shop::infra::metrics::Registry metrics;
  std::unique_ptr<http::Server> server;
  std::uint16_t port = 0;
};

// Fills this process's descriptor table but for `spare` free slots, under a lowered RLIMIT_NOFILE so
// the table cannot grow; undone at scope exit. CTest runs each test case in a process of its own.
class DescriptorExhaustion {
 public:
  explicit DescriptorExhaustion(std::size_t spare) {
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved_) == 0);
    rlimit lowered = saved_;
    lowered.rlim_cur = std::min<rlim_t>(saved_.rlim_cur, 256);
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
    for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) fillers_.push_back(fd);
    REQUIRE(fillers_.size() > spare);
    for (std::size_t i = 0; i < spare; ++i) {
      ::close(fillers_.back());
      fillers_.pop_back();
    }
  }
  ~DescriptorExhaustion() {
    for (int fd : fillers_) ::close(fd);
    ::setrlimit(RLIMIT_NOFILE, &saved_);
  }
  DescriptorExhaustion(const DescriptorExhaustion&) = delete;
  DescriptorExhaustion& operator=(const DescriptorExhaustion&) = delete;

 private:
  rlimit saved_{};
  std::vector<int> fillers_;
};

}  // namespace

TEST_CASE("routes with path parameters answer JSON", "[http][edge]") {
  TestServer s;
  const auto r = http_request(s.port, "GET", "/items/a%20b");
  CHECK(r.status == 200);
  CHECK(r.header("Content-Type") == "application/json");
  CHECK(r.json().at("id") == "a b");
}

TEST_CASE("unknown path is a 404 problem document", "[http][edge]") {
  TestServer s;
  const auto r = http_request(s.port, "GET", "/nothing/here");
  CHECK(r.status == 404);
  CHECK(r.header("Content-Type") == "application/problem+json");
  const auto doc = r.json().as_object();
  CHECK(doc.at("status") == 404);
  CHECK(doc.at("code") == "not_found");
  CHECK(doc.at("type") == "urn:shopd:problem:not_found");
  CHECK(doc.contains("title"));
}

TEST_CASE("wrong method is a 405 with Allow", "[http][edge]") {
  TestServer s;
  const auto r = http_request(s.port, "DELETE", "/echo");
  CHECK(r.status == 405);
  CHECK(r.header("Allow") == "POST");
  CHECK(code_of(r) == "method_not_allowed");
}

TEST_CASE("valid JSON is accepted", "[http][edge]") {
  TestServer s;
  const auto r = http_request(s.port, "POST", "/echo", R"({"name":"kim","count":2})");
  CHECK(r.status == 200);
  CHECK(r.json().at("count") == 2);
}

TEST_CASE("malformed JSON is a 400 malformed_json", "[http][edge]") {
  TestServer s;
  const auto r = http_request(s.port, "POST", "/echo", R"({"name": "kim",)");
  CHECK(r.status == 400);
  CHECK(code_of(r) == "malformed_json");
}

TEST_CASE("unknown fields are a 400 unknown_field naming each", "[http][edge]") {
  TestServer s;
  const auto r = http_request(s.port, "POST", "/echo", R"({"name":"kim","count":2,"role":"admin","x":1})");
  CHECK(r.status == 400);
  CHECK(code_of(r) == "unknown_field");
  const auto doc = r.json();
  std::set<std::string> fields;
  for (const auto& e : doc.at("errors").as_array()) fields.emplace(e.at("field").as_string());
  CHECK(fields == std::set<std::string>{"role", "x"});
}

TEST_CASE("every invalid field is listed in one 400", "[http][edge]") {
  TestServer s;
  const auto r = http_request(s.port, "POST", "/echo", R"({"name":"far too long a name","count":9})");
  CHECK(r.status == 400);
  CHECK(code_of(r) == "validation_failed");
  CHECK(r.json().at("errors").as_array().size() == 2);
}

TEST_CASE("a body over the limit is a 413", "[http][edge]") {
  TestServer s;
  HttpConnection conn(s.port);
  // Announce 2 MiB; the server refuses from the headers without reading the body.
  conn.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\n\r\n{");
  const auto r = conn.read_response();
  CHECK(r.status == 413);
  CHECK(code_of(r) == "payload_too_large");
  CHECK(conn.closed_by_peer(2000ms));
}

TEST_CASE("a body just under the limit is read", "[http][edge]") {
  http::ServerOptions options;
  options.max_body_bytes = 4096;
  TestServer s(options);
  const std::string padded = R"({"name":"kim","count":1,"pad":")" + std::string(4000, 'x') + "\"}";
  const auto r = http_request(s.port, "POST", "/echo", padded);
  CHECK(r.status == 400);  // read and parsed: "pad" is an unknown field, not a 413
  CHECK(code_of(r) == "unknown_field");
}

TEST_CASE("garbage instead of HTTP is a 400 and the connection closes", "[http][edge]") {
  TestServer s;
  HttpConnection conn(s.port);
  conn.send("HELLO\x01 THERE\r\n\r\n");
  const auto r = conn.read_response();
  CHECK(r.status == 400);
  CHECK(conn.closed_by_peer(2000ms));
}

TEST_CASE("a handler's exception is a 500 without internals", "[http][edge]") {
  TestServer s;
  const auto r = http_request(s.port, "GET", "/boom");
  CHECK(r.status == 500);
  CHECK(code_of(r) == "internal_error");
  CHECK(r.body.find("secret") == std::string::npos);
}

TEST_CASE("X-Request-Id is echoed, or generated when absent or unsafe", "[http][edge]") {
  TestServer s;
  CHECK(http_request(s.port, "GET", "/items/1", "", {{"X-Request-Id", "abc-123"}}).header("X-Request-Id") ==
        "abc-123");
  const auto generated = http_request(s.port, "GET", "/items/1").header("X-Request-Id");
  REQUIRE(generated);
  CHECK(generated->size() == 16);
  const auto replaced = http_request(s.port, "GET", "/items/1", "", {{"X-Request-Id", "evil\" level=error"}});
  CHECK(replaced.header("X-Request-Id") != "evil\" level=error");
  CHECK(http_request(s.port, "GET", "/nope", "", {{"X-Request-Id", "r-404"}}).header("X-Request-Id") ==
        "r-404");
}

TEST_CASE("keep-alive serves several requests on one connection", "[http][edge]") {
  TestServer s;
  HttpConnection conn(s.port);
  for (int i = 0; i < 5; ++i) {
    const auto r = conn.request("GET", "/items/" + std::to_string(i));
    CHECK(r.status == 200);
    CHECK(r.json().at("id").as_string() == std::to_string(i));
  }
  CHECK_FALSE(conn.closed_by_peer(100ms));
}

TEST_CASE("Connection: close is honoured", "[http][edge]") {
  TestServer s;
  HttpConnection conn(s.port);
  const auto r = conn.request("GET", "/items/1", "", {{"Connection", "close"}});
  CHECK(r.status == 200);
  CHECK(conn.closed_by_peer(2000ms));
}

TEST_CASE("pipelined requests are answered in order up to the cap, then the connection closes",
          "[http][edge]") {
  http::ServerOptions options;
  options.max_pipelined = 4;
  TestServer s(options);
  HttpConnection conn(s.port);
  std::string burst;
  for (int i = 0; i < 10; ++i) burst += shop::test::format_request("GET", "/items/" + std::to_string(i));
  conn.send(burst);
  int answered = 0;
  for (;; ++answered) {
    shop::test::HttpResponse r;
    try {
      r = conn.read_response();
    } catch (const std::runtime_error&) {
      break;  // closed
    }
    CHECK(r.json().at("id").as_string() == std::to_string(answered));
    if (r.header("Connection") == "close") {
      ++answered;
      break;
    }
  }
  // Four back to back (five if the first request arrived alone), the last with Connection: close.
  CHECK(answered >= 4);
  CHECK(answered <= 5);
  CHECK(conn.closed_by_peer(2000ms));
}

TEST_CASE("a client that stalls mid-request is cut off at the read timeout", "[http][edge]") {
  http::ServerOptions options;
  options.read_timeout = 300ms;
  TestServer s(options);
  HttpConnection conn(s.port);
  conn.send("GET /items/1 HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
  CHECK(conn.closed_by_peer(3000ms));
  // Others are served meanwhile and afterwards.
  CHECK(http_request(s.port, "GET", "/items/2").status == 200);
}

TEST_CASE("an idle keep-alive connection is closed at the read timeout", "[http][edge]") {
  http::ServerOptions options;
  options.read_timeout = 300ms;
  TestServer s(options);
  HttpConnection conn(s.port);
  CHECK(conn.request("GET", "/items/1").status == 200);
  CHECK(conn.closed_by_peer(3000ms));
}

TEST_CASE("drain finishes in-flight requests, closes idle ones and refuses new connections", "[http][edge]") {
  TestServer s;
  HttpConnection idle(s.port);
  CHECK(idle.request("GET", "/items/1").status == 200);
  HttpConnection busy(s.port);
  busy.send(shop::test::format_request("GET", "/slow"));
  std::this_thread::sleep_for(100ms);  // let /slow start

  s.server->drain();

  const auto r = busy.read_response();
  CHECK(r.status == 200);
  CHECK(r.json().at("slow") == true);
  CHECK(r.header("Connection") == "close");
  CHECK(busy.closed_by_peer(2000ms));
  CHECK(idle.closed_by_peer(2000ms));
  auto stopped = std::async(std::launch::async, [&] { s.server->wait(); });
  CHECK(stopped.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(shop::test::connection_refused(s.port));
}

TEST_CASE("requests are counted by route and status", "[http][edge][metrics]") {
  TestServer s;
  http_request(s.port, "GET", "/items/1");
  http_request(s.port, "GET", "/items/2");
  http_request(s.port, "GET", "/missing");
  // The server counts a request after writing its response, so the last one may still be on its way.
  std::string text;
  shop::test::eventually([&] {
    text = s.metrics.render();
    return text.find(R"(status="404"} 1)") != std::string::npos;
  });
  CHECK(text.find(R"(shopd_http_requests_total{route="/items/{id}",method="GET",status="200"} 2)") !=
        std::string::npos);
  CHECK(text.find(R"(shopd_http_requests_total{route="unmatched",method="GET",status="404"} 1)") !=
        std::string::npos);
  CHECK(text.find(R"(shopd_http_request_duration_seconds_count{route="/items/{id}",method="GET"} 2)") !=
        std::string::npos);
}

TEST_CASE("routes declare who may call them and the server checks before the handler runs",
          "[http][edge][access]") {
  TestServer s;  // its authenticator knows "alice" (customer) and "root" (admin)
  std::atomic<int> handled = 0;
  auto who = [&](http::Request& req) -> boost::asio::awaitable<http::Response> {
    ++handled;
    co_return http::json_response(200, {{"id", req.caller ? req.caller->id : "nobody"}});
  };
  s.router.add(http::Method::kGet, "/mine", who, http::Access::signed_in());
  s.router.add(http::Method::kGet, "/admin", who, http::Access::roles({"admin"}));

  const auto missing = http_request(s.port, "GET", "/mine");
  CHECK(missing.status == 401);
  CHECK(missing.header("WWW-Authenticate") == "Bearer");
  CHECK(code_of(missing) == "unauthorized");
  const auto bad = http_request(s.port, "GET", "/mine", "", {{"Authorization", "Bearer mallory"}});
  CHECK(bad.status == 401);
  CHECK(bad.header("WWW-Authenticate") == R"(Bearer error="invalid_token")");
  CHECK(http_request(s.port, "GET", "/mine", "", {{"Authorization", "Basic alice"}}).status == 401);
  CHECK(http_request(s.port, "GET", "/mine", "", {{"Authorization", "Bearer"}}).status == 401);
  CHECK(handled == 0);

  const auto mine = http_request(s.port, "GET", "/mine", "", {{"Authorization", "bearer alice"}});
  CHECK(mine.status == 200);
  CHECK(mine.json().at("id") == "1");
  const auto forbidden = http_request(s.port, "GET", "/admin", "", {{"Authorization", "Bearer alice"}});
  CHECK(forbidden.status == 403);
  CHECK(code_of(forbidden) == "forbidden");
  CHECK(http_request(s.port, "GET", "/admin", "", {{"Authorization", "Bearer root"}}).status == 200);
  CHECK(handled == 2);
}

TEST_CASE("a server built without an authenticator throws instead of answering signed-in routes 401",
          "[http][edge][access]") {
  http::Router router = make_router();
  shop::infra::metrics::Registry metrics;
  CHECK_THROWS_AS(http::Server({.listen = "127.0.0.1:0"}, router, nullptr, metrics, nullptr),
                  std::logic_error);
}

TEST_CASE("a chunked request body is read", "[http][edge][desync]") {
  TestServer s;
  HttpConnection conn(s.port);
  conn.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: Chunked\r\n\r\n"
      "18\r\n{\"name\":\"kim\",\"count\":2}\r\n0\r\n\r\n");
  const auto r = conn.read_response();
  CHECK(r.status == 200);
  CHECK(r.json().at("name") == "kim");
  CHECK(conn.request("GET", "/items/1").status == 200);  // still in step
}

TEST_CASE("Transfer-Encoding other than a single chunked is a 400 and its body is never served as a request",
          "[http][edge][desync]") {
  TestServer s;
  // The body is a second request: were it framed differently than a proxy in front framed it, it
  // would be served as one.
  const std::string smuggled = "GET /items/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string length = "Content-Length: " + std::to_string(smuggled.size()) + "\r\n";
  const std::vector<std::pair<std::string, std::string>> framings = {
      {"1.1", "Transfer-Encoding: gzip\r\n"},
      {"1.1", "Transfer-Encoding: identity\r\n"},
      {"1.1", "Transfer-Encoding: chunked, gzip\r\n"},
      {"1.1", "Transfer-Encoding: gzip, chunked\r\n"},
      {"1.1", "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"},
      {"1.1", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"},
      {"1.1", "Transfer-Encoding: gzip\r\n" + length},
      {"1.1", "Transfer-Encoding: chunked\r\n" + length},
      {"1.1", length + "Transfer-Encoding: chunked\r\n"},
      {"1.0", "Transfer-Encoding: chunked\r\n"},
  };
  for (const auto& [version, framing] : framings) {
    INFO("HTTP/" << version << " " << framing);
    HttpConnection conn(s.port, 10000ms);
    conn.send("POST /echo HTTP/" + version + "\r\nHost: x\r\nContent-Type: application/json\r\n" + framing +
              "\r\n" + smuggled);
    const auto r = conn.read_response();
    CHECK(r.status == 400);
    CHECK(code_of(r) == "bad_request");
    CHECK(r.header("Connection") == "close");
    // Nothing follows, the smuggled request's answer least of all: the connection just ends.
    CHECK_THROWS_WITH(conn.read_response(), Catch::Contains("closed before a response"));
  }
}

TEST_CASE("out of file descriptors, a new connection is answered 503 and closed while open ones are served",
          "[http][edge][connections]") {
  TestServer s;
  HttpConnection open(s.port);
  REQUIRE(open.request("GET", "/items/1").status == 200);
  {
    const DescriptorExhaustion exhausted(1);  // the one left is the late client's socket
    HttpConnection late(s.port, 10000ms);     // generous: a loaded machine is slow, not wrong
    const auto r = late.read_response();
    CHECK(r.status == 503);
    CHECK(code_of(r) == "too_many_connections");
    CHECK(r.header("Retry-After") == "1");
    CHECK(r.header("X-Request-Id"));
    CHECK(late.closed_by_peer(2000ms));
  }
  CHECK(open.request("GET", "/items/2").status == 200);
  CHECK(http_request(s.port, "GET", "/items/3").status == 200);
  CHECK(s.metrics.render().find(R"(shopd_http_refused_connections_total{reason="out_of_descriptors"} 1)") !=
        std::string::npos);
}

TEST_CASE("an added listener serves its own router and the main one does not", "[http][edge]") {
  http::Router main_router = make_router();
  http::Router side_router;
  side_router.add(http::Method::kGet, "/side", [](http::Request&) -> boost::asio::awaitable<http::Response> {
    co_return http::json_response(200, {{"side", true}});
  });
  shop::infra::metrics::Registry metrics;
  http::Server server({.listen = "127.0.0.1:0"}, main_router, test_callers, metrics, nullptr);
  server.add_listener("side", "127.0.0.1:0", side_router);
  server.start();
  const auto main_port = port_of(server.local_address());
  const auto side_port = port_of(server.local_address("side"));
  CHECK(main_port != side_port);
  CHECK(http_request(side_port, "GET", "/side").status == 200);
  CHECK(http_request(side_port, "GET", "/items/1").status == 404);
  CHECK(http_request(main_port, "GET", "/side").status == 404);
  CHECK(http_request(main_port, "GET", "/items/1").status == 200);
  server.drain();
  server.wait();
}
