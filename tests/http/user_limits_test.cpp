// The user module's abuse limits and text rules through the real binary, under parallel requests:
// every limit counts an attempt before the work it guards, so a burst never gets more through than
// the limit allows.
#include "support/problem_assertions.hpp"
#include "support/shop_fixture.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

using shop::test::EnvList;
using shop::test::expect_problem;
using shop::test::HttpResponse;
using shop::test::Shop;
using namespace std::chrono_literals;

namespace {

// Runs `request` from `n` threads at once and counts the answers by status.
template <class Request>
std::map<unsigned, int> burst(int n, Request request) {
  std::map<unsigned, int> statuses;
  std::mutex mutex;
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&] {
      ++ready;
      while (ready.load() < n) std::this_thread::yield();  // start together
      const HttpResponse r = request();
      std::lock_guard lock(mutex);
      ++statuses[r.status];
    });
  }
  for (auto& t : threads) t.join();
  return statuses;
}

}  // namespace

TEST_CASE("40 parallel wrong passwords for one username get at most the limit through",
          "[http][users][limits]") {
  Shop shop(EnvList{{"SHOPD_LOGIN_LIMIT_PER_USERNAME", "10"}, {"SHOPD_LOGIN_LIMIT_PER_ADDRESS", "1000"}});
  const auto& customer = shop.customer();
  const auto statuses = burst(40, [&] {
    return shop.call("POST", "/auth/login",
                     {{"username", customer.username}, {"password", "wrong password"}});
  });
  CHECK(statuses.at(401) == 10);
  CHECK(statuses.at(429) == 30);
  CHECK(statuses.size() == 2);
  // Even the right password is refused now: the limit is counted before the password is checked.
  expect_problem(
      shop.call("POST", "/auth/login",
                {{"username", customer.username}, {"password", std::string(shop::test::kPassword)}}),
      429, "too_many_attempts");
}

TEST_CASE("password re-checks of PUT /me/password and DELETE /me are limited per account, under a burst",
          "[http][users][limits]") {
  Shop shop(EnvList{{"SHOPD_LOGIN_LIMIT_PER_USERNAME", "6"}});
  const auto& customer = shop.customer();
  const auto statuses = burst(20, [&] {
    return shop.call("PUT", "/me/password",
                     {{"current_password", "a wrong guess"}, {"new_password", "a brand new password"}},
                     customer.access_token);
  });
  CHECK(statuses.at(401) == 6);
  CHECK(statuses.at(429) == 14);
  // DELETE /me checks the password against the same per-account count: a stolen access token gives
  // no more guesses this way.
  const auto withdraw =
      shop.call("DELETE", "/me", {{"password", std::string(shop::test::kPassword)}}, customer.access_token);
  expect_problem(withdraw, 429, "too_many_attempts");
  CHECK(withdraw.header("Retry-After"));
  CHECK(shop.call("GET", "/me", nullptr, customer.access_token).status == 200);
}

TEST_CASE("parallel wrong verification codes are counted one by one", "[http][users][limits]") {
  Shop shop(EnvList{{"SHOPD_VERIFICATION_ATTEMPTS", "5"}, {"SHOPD_VERIFICATION_MAX_FAILURES", "15"}});
  REQUIRE(shop.signup("jiwoo_01", "jiwoo@example.com").status == 201);
  const auto right = shop.code_for("jiwoo@example.com");
  const std::string wrong = right == "000000" ? "111111" : "000000";
  const auto statuses = burst(20, [&] {
    return shop.call("POST", "/users/verify-email", {{"username", "jiwoo_01"}, {"code", wrong}});
  });
  CHECK(statuses.at(400) == 5);  // five wrong tries, then the code is void for everyone
  CHECK(statuses.at(429) == 15);
  expect_problem(shop.call("POST", "/users/verify-email", {{"username", "jiwoo_01"}, {"code", right}}), 429,
                 "too_many_attempts");
  CHECK(shop::test::query_value(
            shop.db().url(),
            "SELECT verification_failures FROM users.accounts WHERE username = 'jiwoo_01'") == "5");
}

TEST_CASE("signups per client address answer 429 with Retry-After past the limit", "[http][users][limits]") {
  Shop shop(EnvList{{"SHOPD_SIGNUP_LIMIT_PER_ADDRESS", "2"}});
  CHECK(shop.signup("first_01", "first@example.com").status == 201);
  CHECK(shop.signup("second_01", "second@example.com").status == 201);
  const auto third = shop.signup("third_01", "third@example.com");
  expect_problem(third, 429, "too_many_requests");
  CHECK(std::stoi(third.header("Retry-After").value_or("0")) > 0);
  CHECK(shop::test::query_value(shop.db().url(), "SELECT count(*) FROM users.accounts") == "2");
}

TEST_CASE("an unverified account past its time no longer holds its username or e-mail",
          "[http][users][limits]") {
  Shop shop(EnvList{{"SHOPD_VERIFICATION_CODE_TTL", "1s"}, {"SHOPD_PENDING_ACCOUNT_TTL", "1s"}});
  REQUIRE(shop.signup("squat_01", "victim@example.com").status == 201);
  expect_problem(shop.signup("squat_01", "other@example.com"), 409, "username_taken");
  std::this_thread::sleep_for(1100ms);  // the binary's clock is the system's
  CHECK(shop.call("GET", "/users/username-availability?username=squat_01").json().at("available") == true);
  CHECK(shop.signup("owner_01", "victim@example.com").status == 201);
  CHECK(shop.signup("squat_01", "third@example.com").status == 201);
}

TEST_CASE("text fields refuse control characters and bidirectional overrides, naming the field",
          "[http][users][text]") {
  Shop shop;
  const auto nul_name = shop.call("POST", "/users",
                                  {{"username", "plain_01"},
                                   {"password", "correct horse"},
                                   {"email", "plain@example.com"},
                                   {"name", std::string("Kim\0Minji", 9)},
                                   {"phone", "010-1234-5678"}});
  expect_problem(nul_name, 400, "validation_failed");
  CHECK(nul_name.json().at("errors").at(0).at("field") == "name");
  CHECK(shop::test::query_value(shop.db().url(), "SELECT count(*) FROM users.accounts") == "0");

  const auto& customer = shop.customer();
  const auto bidi = shop.call("POST", "/me/addresses",
                              {{"recipient", "Kim Minji"},
                               {"phone", "010-1234-5678"},
                               {"zip_code", "04524"},
                               {"line1",
                                "Sejong-daero 110 \xE2\x80\xAE"
                                "4-1"}},
                              customer.access_token);
  expect_problem(bidi, 400, "validation_failed");
  CHECK(bidi.json().at("errors").at(0).at("field") == "line1");
  const auto newline = shop.call("PATCH", "/me", {{"name", "Kim\r\nX-Injected: 1"}}, customer.access_token);
  expect_problem(newline, 400, "validation_failed");
  CHECK(newline.json().at("errors").at(0).at("field") == "name");
}

TEST_CASE("a login with a NUL in the username is an unknown user, however the suffix rotates",
          "[http][users][text]") {
  Shop shop(EnvList{{"SHOPD_LOGIN_LIMIT_PER_ADDRESS", "1000"}});
  const auto& customer = shop.customer();
  for (const char* suffix : {"a", "b", "c"}) {
    const auto smuggled = shop.call("POST", "/auth/login",
                                    {{"username", customer.username + std::string(1, '\0') + suffix},
                                     {"password", std::string(shop::test::kPassword)}});
    expect_problem(smuggled, 401, "invalid_credentials");
  }
}
