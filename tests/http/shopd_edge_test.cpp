// The HTTP edge's limits in the real binary, as an operator runs it.
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

}  // namespace

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
