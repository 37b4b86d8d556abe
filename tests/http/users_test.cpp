// The user module through the real binary, as a client uses it: signup, the verification mail read
// back from the file transport, sessions, the caller's page, addresses, roles, abuse limits.
#include "support/problem_assertions.hpp"
#include "support/shop_fixture.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <set>
#include <thread>

using shop::test::code_of;
using shop::test::query_value;
using shop::test::Shop;
using namespace std::chrono_literals;

namespace {

// What a shell command prints on stdout.
std::string command_output(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  REQUIRE(::pclose(pipe) == 0);
  return out;
}

std::string token(const boost::json::object& pair, const char* name = "access_token") {
  return shop::test::string_at(pair, name);
}

// The JSON Schema type name of a value, as the OpenAPI document spells it.
std::string json_type(const boost::json::value& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) return "string";
  if (v.is_bool()) return "boolean";
  if (v.is_object()) return "object";
  if (v.is_array()) return "array";
  return v.is_double() ? "number" : "integer";
}

// CHECKs that `object` has every required property of `schema` and that each property's type is one
// the schema's `type` allows (a name or a list of names), and an e-mail has an @.
void check_conforms(const boost::json::object& object, const boost::json::object& schema) {
  for (const auto& name : schema.at("required").as_array()) {
    INFO("required: " << name);
    CHECK(object.contains(name.as_string()));
  }
  for (const auto& [name, property] : schema.at("properties").as_object()) {
    const auto* value = object.if_contains(name);
    if (value == nullptr) continue;
    const auto& allowed = property.at("type");
    const auto type = json_type(*value);
    INFO(name << " is " << boost::json::serialize(*value) << ", schema " << boost::json::serialize(property));
    if (allowed.is_string()) {
      CHECK(allowed.as_string() == type);
    } else {
      const auto& list = allowed.as_array();
      CHECK(std::find(list.begin(), list.end(), boost::json::value(type)) != list.end());
    }
    const auto* format = property.as_object().if_contains("format");
    if (format != nullptr && *format == "email" && value->is_string()) {
      CHECK(value->as_string().find('@') != boost::json::string::npos);
    }
  }
}

}  // namespace

TEST_CASE("signup mails a code that activates the account, then login and /me work", "[http][users]") {
  Shop shop;
  CHECK(shop.call("GET", "/users/username-availability?username=minji_01").json().at("available") == true);
  const auto created = shop.signup("minji_01", "Minji@Example.com");
  REQUIRE(created.status == 201);
  CHECK(created.json().at("status") == "pending_verification");
  CHECK(shop.call("GET", "/users/username-availability?username=minji_01").json().at("available") == false);

  const auto before =
      shop.call("POST", "/auth/login", {{"username", "minji_01"}, {"password", "correct horse"}});
  CHECK(before.status == 403);
  CHECK(code_of(before) == "email_not_verified");

  const auto code = shop.code_for("minji@example.com");
  REQUIRE(code.size() == 6);
  const auto verified = shop.call("POST", "/users/verify-email", {{"username", "minji_01"}, {"code", code}});
  CHECK(verified.status == 200);
  CHECK(verified.json().at("status") == "active");

  const auto login =
      shop.call("POST", "/auth/login", {{"username", "minji_01"}, {"password", "correct horse"}});
  REQUIRE(login.status == 200);
  const auto pair = login.json().as_object();
  CHECK(pair.at("token_type") == "Bearer");
  CHECK(pair.at("expires_in") == 900);
  CHECK(pair.at("refresh_expires_in") == 1209600);
  const auto me = shop.call("GET", "/me", nullptr, token(pair));
  REQUIRE(me.status == 200);
  CHECK(me.json().at("id") == created.json().at("id"));
  CHECK(me.json().at("email") == "minji@example.com");
  CHECK(me.json().at("name") == "Kim Minji");
  CHECK(me.json().at("phone") == "010-1234-5678");
  CHECK(me.json().at("role") == "customer");
  CHECK(shop.call("GET", "/me").status == 401);
}

TEST_CASE("invalid signups name every bad field and write nothing", "[http][users]") {
  Shop shop;
  const auto bad = shop.call(
      "POST", "/users",
      {{"username", "No"}, {"password", "short"}, {"email", "nope"}, {"name", ""}, {"phone", "02-123-4567"}});
  REQUIRE(bad.status == 400);
  CHECK(code_of(bad) == "validation_failed");
  std::set<std::string> fields;
  const auto errors = bad.json().at("errors").as_array();
  for (const auto& e : errors) fields.insert(std::string(e.at("field").as_string()));
  CHECK(fields == std::set<std::string>{"username", "password", "email", "name", "phone"});
  const auto same = shop.signup("samename", "s@example.com", "samename");
  CHECK(same.status == 400);
  const auto smuggled = shop.call("POST", "/users",
                                  {{"username", "sneaky"},
                                   {"password", "correct horse"},
                                   {"email", "s@example.com"},
                                   {"name", "S"},
                                   {"phone", "01012345678"},
                                   {"role", "admin"}});
  CHECK(smuggled.status == 400);
  CHECK(code_of(smuggled) == "unknown_field");
  CHECK(query_value(shop.db().url(), "SELECT count(*) FROM users.accounts") == "0");
  CHECK(query_value(shop.db().url(), "SELECT count(*) FROM shopd.outbox_events") == "0");
  CHECK(shop.call("GET", "/users/username-availability?username=A!").status == 400);
}

TEST_CASE("usernames and e-mail addresses are unique even under concurrent signups", "[http][users]") {
  Shop shop;
  REQUIRE(shop.signup("taken_name", "first@example.com").status == 201);
  CHECK(code_of(shop.signup("taken_name", "other@example.com")) == "username_taken");
  CHECK(code_of(shop.signup("other_name", " FIRST@example.com ")) == "email_taken");

  std::atomic<int> created = 0, username_taken = 0, email_taken = 0;
  std::vector<std::thread> racers;
  for (int i = 0; i < 6; ++i) {
    racers.emplace_back([&, i] {
      const auto r = shop.signup("racer", "racer" + std::to_string(i) + "@example.com");
      if (r.status == 201) ++created;
      if (r.status == 409 && code_of(r) == "username_taken") ++username_taken;
    });
    racers.emplace_back([&, i] {
      const auto r = shop.signup("mailer" + std::to_string(i), "same@example.com");
      if (r.status == 201) ++created;
      if (r.status == 409 && code_of(r) == "email_taken") ++email_taken;
    });
  }
  for (auto& t : racers) t.join();
  CHECK(created == 2);
  CHECK(username_taken == 5);
  CHECK(email_taken == 5);
  CHECK(query_value(shop.db().url(), "SELECT count(*) FROM users.accounts") == "3");
}

TEST_CASE("verification codes die after wrong tries and expire", "[http][users][slow]") {
  Shop shop(shop::test::EnvList{{"SHOPD_VERIFICATION_CODE_TTL", "2s"},
                                {"SHOPD_VERIFICATION_RESEND_INTERVAL", "1s"}});
  REQUIRE(shop.signup("guesser", "g@example.com").status == 201);
  const auto code = shop.code_for("g@example.com");
  const auto wrong = code == "000000" ? "111111" : "000000";
  for (int i = 0; i < 5; ++i) {
    CHECK(code_of(shop.call("POST", "/users/verify-email", {{"username", "guesser"}, {"code", wrong}})) ==
          "invalid_code");
  }
  const auto void_code = shop.call("POST", "/users/verify-email", {{"username", "guesser"}, {"code", code}});
  CHECK(void_code.status == 429);
  CHECK(code_of(void_code) == "too_many_attempts");
  CHECK(void_code.header("Retry-After").has_value());

  // A new code works again; one left too long expires.
  std::this_thread::sleep_for(1100ms);
  REQUIRE(shop.call("POST", "/users/resend-verification", {{"username", "guesser"}}).status == 202);
  const auto second = shop.code_for("g@example.com", 2);
  std::this_thread::sleep_for(2100ms);
  const auto late = shop.call("POST", "/users/verify-email", {{"username", "guesser"}, {"code", second}});
  CHECK(late.status == 410);
  CHECK(code_of(late) == "code_expired");
  CHECK(code_of(shop.call("POST", "/users/verify-email", {{"username", "nobody"}, {"code", "123456"}})) ==
        "invalid_code");
}

TEST_CASE("resending a code is limited to one a minute and reveals no accounts", "[http][users]") {
  Shop shop;
  REQUIRE(shop.signup("resender", "r@example.com").status == 201);
  const auto soon = shop.call("POST", "/users/resend-verification", {{"username", "resender"}});
  CHECK(soon.status == 429);
  CHECK(std::stoi(std::string(*soon.header("Retry-After"))) > 0);
  CHECK(shop.call("POST", "/users/resend-verification", {{"username", "nobody_here"}}).status == 202);
}

TEST_CASE("login answers the same for an unknown user and a wrong password", "[http][users][sessions]") {
  Shop shop;
  shop.member("known_user");
  const auto unknown =
      shop.call("POST", "/auth/login", {{"username", "ghost_user"}, {"password", "correct horse"}});
  const auto wrong =
      shop.call("POST", "/auth/login", {{"username", "known_user"}, {"password", "wrong horse"}});
  CHECK(unknown.status == 401);
  CHECK(wrong.status == 401);
  CHECK(unknown.body == wrong.body);
}

TEST_CASE("failed logins are limited per username across two shopd processes", "[http][users][sessions]") {
  Shop shop(shop::test::EnvList{{"SHOPD_LOGIN_LIMIT_PER_USERNAME", "3"}});
  shop.member("target_user");
  const auto second = shop.start_another();
  const auto second_port = second->port();
  auto attempt = [&](std::uint16_t port, const char* password) {
    return shop::test::http_request(
        port, "POST", "/api/v1/auth/login",
        boost::json::serialize(boost::json::object{{"username", "target_user"}, {"password", password}}),
        {{"Content-Type", "application/json"}});
  };
  CHECK(shop.call("POST", "/auth/login", {{"username", "target_user"}, {"password", "bad one"}}).status ==
        401);
  CHECK(attempt(second_port, "bad two").status == 401);
  CHECK(shop.call("POST", "/auth/login", {{"username", "target_user"}, {"password", "bad three"}}).status ==
        401);
  const auto blocked = attempt(second_port, "correct horse");
  CHECK(blocked.status == 429);
  CHECK(code_of(blocked) == "too_many_attempts");
  CHECK(blocked.header("Retry-After").has_value());
}

TEST_CASE("refresh tokens rotate and a replayed one revokes its session", "[http][users][sessions]") {
  Shop shop;
  const auto pair = shop.member("rotator");
  const auto first = shop.call("POST", "/auth/refresh", {{"refresh_token", token(pair, "refresh_token")}});
  REQUIRE(first.status == 200);
  const auto next = first.json().as_object();
  CHECK(token(next, "refresh_token") != token(pair, "refresh_token"));
  CHECK(shop.call("GET", "/me", nullptr, token(next)).status == 200);

  const auto replay = shop.call("POST", "/auth/refresh", {{"refresh_token", token(pair, "refresh_token")}});
  CHECK(replay.status == 401);
  // The thief's replay ended the session: the newer tokens stop working too.
  CHECK(shop.call("GET", "/me", nullptr, token(next)).status == 401);
  CHECK(shop.call("POST", "/auth/refresh", {{"refresh_token", token(next, "refresh_token")}}).status == 401);
  CHECK(shop.call("POST", "/auth/refresh", {{"refresh_token", "made-up"}}).status == 401);
}

TEST_CASE("logout refuses the session's tokens at once", "[http][users][sessions]") {
  Shop shop;
  const auto pair = shop.member("leaver");
  CHECK(shop.call("POST", "/auth/logout", nullptr, token(pair)).status == 204);
  CHECK(shop.call("GET", "/me", nullptr, token(pair)).status == 401);
  CHECK(shop.call("POST", "/auth/refresh", {{"refresh_token", token(pair, "refresh_token")}}).status == 401);
}

TEST_CASE("tampered wrong-algorithm and unsigned tokens are refused", "[http][users][sessions]") {
  Shop shop;
  const auto access = token(shop.member("victim"));
  auto tampered = access;
  const auto dot = tampered.find('.', 3);
  tampered[dot - 2] = tampered[dot - 2] == 'A' ? 'B' : 'A';
  const std::string payload = access.substr(0, access.rfind('.'));
  for (const auto& forged : {tampered, payload, payload + ".", "v2" + access.substr(2), std::string("none"),
                             "v1.e30." + access.substr(access.rfind('.') + 1)}) {
    const auto r = shop.call("GET", "/me", nullptr, forged);
    CHECK(r.status == 401);
    CHECK(r.header("WWW-Authenticate").has_value());
  }
}

TEST_CASE("profile changes and a password change that ends the other sessions", "[http][users][me]") {
  Shop shop;
  const auto here = shop.member("changer");
  const auto there =
      shop.call("POST", "/auth/login", {{"username", "changer"}, {"password", "correct horse"}})
          .json()
          .as_object();

  const auto patched =
      shop.call("PATCH", "/me", {{"name", "Lee Minji"}, {"phone", "01098765432"}}, token(here));
  REQUIRE(patched.status == 200);
  CHECK(patched.json().at("name") == "Lee Minji");
  CHECK(patched.json().at("phone") == "010-9876-5432");
  CHECK(shop.call("PATCH", "/me", {{"phone", "12345"}}, token(here)).status == 400);

  const auto wrong = shop.call(
      "PUT", "/me/password", {{"current_password", "nope"}, {"new_password", "battery staple"}}, token(here));
  CHECK(wrong.status == 401);
  CHECK(code_of(wrong) == "invalid_credentials");
  CHECK(shop.call("PUT", "/me/password", {{"current_password", "correct horse"}, {"new_password", "short"}},
                  token(here))
            .status == 400);
  CHECK(shop.call("PUT", "/me/password",
                  {{"current_password", "correct horse"}, {"new_password", "battery staple"}}, token(here))
            .status == 204);
  CHECK(shop.call("GET", "/me", nullptr, token(here)).status == 200);
  CHECK(shop.call("GET", "/me", nullptr, token(there)).status == 401);
  CHECK(shop.call("POST", "/auth/login", {{"username", "changer"}, {"password", "correct horse"}}).status ==
        401);
  CHECK(shop.call("POST", "/auth/login", {{"username", "changer"}, {"password", "battery staple"}}).status ==
        200);
}

TEST_CASE("/me answers null for what an admin made by create-admin lacks, as the served schema says",
          "[http][users][me]") {
  Shop shop;
  const auto doc = shop::test::http_request(shop.port(), "GET", "/openapi.json");
  REQUIRE(doc.status == 200);
  const auto document = doc.json();
  const auto& profile_schema = document.at("components").at("schemas").at("Profile").as_object();

  const auto admin = shop.call("GET", "/me", nullptr, shop.admin().access_token);
  REQUIRE(admin.status == 200);
  const auto admin_json = admin.json();
  const auto& made = admin_json.as_object();
  CHECK(made.at("role") == "admin");
  for (const char* field : {"email", "name", "phone"}) {
    INFO(field);
    CHECK(made.at(field).is_null());
  }
  check_conforms(made, profile_schema);

  const auto customer = shop.call("GET", "/me", nullptr, shop.customer().access_token);
  REQUIRE(customer.status == 200);
  const auto customer_json = customer.json();
  CHECK(customer_json.at("email").is_string());
  check_conforms(customer_json.as_object(), profile_schema);
}

TEST_CASE("addresses: the first is the default, one default at a time, at most 20, only your own",
          "[http][users][addresses]") {
  Shop shop;
  const auto mine = token(shop.member("addresser"));
  const auto other = token(shop.member("neighbour"));
  const boost::json::object home{
      {"recipient", "Kim"}, {"phone", "010-1111-2222"}, {"zip_code", "06236"}, {"line1", "Teheran-ro 1"}};
  const auto first = shop.call("POST", "/me/addresses", home, mine);
  REQUIRE(first.status == 201);
  CHECK(first.json().at("is_default") == true);
  CHECK(first.json().at("line2").is_null());
  auto work = home;
  work["line2"] = "3rd floor";
  const auto second = shop.call("POST", "/me/addresses", work, mine);
  REQUIRE(second.status == 201);
  CHECK(second.json().at("is_default") == false);
  const std::string first_id(first.json().at("id").as_string());
  const std::string second_id(second.json().at("id").as_string());

  const auto promoted = shop.call("PATCH", "/me/addresses/" + second_id, {{"is_default", true}}, mine);
  REQUIRE(promoted.status == 200);
  CHECK(promoted.json().at("line2") == "3rd floor");
  const auto listed = shop.call("GET", "/me/addresses", nullptr, mine).json().at("items").as_array();
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].at("is_default") == false);
  CHECK(listed[1].at("is_default") == true);

  CHECK(shop.call("PATCH", "/me/addresses/" + first_id, {{"line1", "x"}}, other).status == 404);
  CHECK(shop.call("DELETE", "/me/addresses/" + first_id, nullptr, other).status == 404);
  CHECK(shop.call("PATCH", "/me/addresses/not-an-id", {{"line1", "x"}}, mine).status == 404);
  CHECK(shop.call("POST", "/me/addresses",
                  {{"recipient", "K"}, {"phone", "x"}, {"zip_code", "123"}, {"line1", ""}}, mine)
            .status == 400);

  CHECK(shop.call("DELETE", "/me/addresses/" + second_id, nullptr, mine).status == 204);
  const auto left = shop.call("GET", "/me/addresses", nullptr, mine).json().at("items").as_array();
  REQUIRE(left.size() == 1);
  CHECK(left[0].at("is_default") == true);  // the default moved to the one that remains

  for (int i = 1; i < 20; ++i) REQUIRE(shop.call("POST", "/me/addresses", home, mine).status == 201);
  const auto full = shop.call("POST", "/me/addresses", home, mine);
  CHECK(full.status == 409);
  CHECK(code_of(full) == "address_limit");
}

TEST_CASE("withdrawal erases personal data and ends every session", "[http][users][me]") {
  Shop shop;
  const auto pair = shop.member("quitter");
  REQUIRE(
      shop.call("POST", "/me/addresses",
                {{"recipient", "Q"}, {"phone", "010-1111-2222"}, {"zip_code", "06236"}, {"line1", "Road 1"}},
                token(pair))
          .status == 201);
  CHECK(shop.call("DELETE", "/me", {{"password", "wrong"}}, token(pair)).status == 401);
  CHECK(shop.call("DELETE", "/me", {{"password", "correct horse"}}, token(pair)).status == 204);
  CHECK(shop.call("GET", "/me", nullptr, token(pair)).status == 401);
  CHECK(shop.call("POST", "/auth/login", {{"username", "quitter"}, {"password", "correct horse"}}).status ==
        401);
  CHECK(
      query_value(shop.db().url(),
                  "SELECT count(*) FROM users.accounts WHERE status = 'withdrawn' AND username IS NULL"
                  " AND password_hash IS NULL AND email_ct IS NULL AND email_bidx IS NULL AND name_ct IS NULL"
                  " AND phone_ct IS NULL") == "1");
  CHECK(query_value(shop.db().url(), "SELECT count(*) FROM users.addresses") == "0");
  CHECK(shop.call("GET", "/users/username-availability?username=quitter").json().at("available") == true);
}

TEST_CASE("roles: create-admin makes the first admin who grants seller; only admins manage",
          "[http][users][roles]") {
  Shop shop;
  const auto customer = shop.member("shopper");
  const auto customer_id =
      std::string(shop.call("GET", "/me", nullptr, token(customer)).json().at("id").as_string());
  CHECK(shop.call("PUT", "/admin/users/" + customer_id + "/role", {{"role", "admin"}}, token(customer))
            .status == 403);
  CHECK(shop.call("GET", "/admin/events/dead-letters", nullptr, token(customer)).status == 403);

  const auto made =
      shop::test::run_shopd({"create-admin", "--username", "boss"}, shop.env(), 60s, "admin password\n");
  REQUIRE(made.exit_code == 0);
  const auto admin = shop.call("POST", "/auth/login", {{"username", "boss"}, {"password", "admin password"}});
  REQUIRE(admin.status == 200);
  const auto admin_token = token(admin.json().as_object());

  const auto granted =
      shop.call("PUT", "/admin/users/" + customer_id + "/role", {{"role", "seller"}}, admin_token);
  REQUIRE(granted.status == 200);
  CHECK(granted.json().at("role") == "seller");
  // The customer's existing token carries the new role at the next request.
  CHECK(shop.call("GET", "/me", nullptr, token(customer)).json().at("role") == "seller");
  CHECK(shop.call("PUT", "/admin/users/" + customer_id + "/role", {{"role", "king"}}, admin_token).status ==
        400);
  CHECK(shop.call("PUT", "/admin/users/00000000-0000-0000-0000-000000000000/role", {{"role", "seller"}},
                  admin_token)
            .status == 404);
  const auto letters = shop.call("GET", "/admin/events/dead-letters", nullptr, admin_token);
  CHECK(letters.status == 200);
  CHECK(letters.json().at("items").as_array().empty());
  CHECK(shop.call("POST", "/admin/events/dead-letters/12345/replay", nullptr, admin_token).status == 404);
}

TEST_CASE("personal data is stored only encrypted and never logged", "[http][users][privacy]") {
  Shop shop;
  const auto pair = shop.member("private_person");
  REQUIRE(
      shop.call("PATCH", "/me", {{"name", "Hong Gildong"}, {"phone", "010-5555-6666"}}, token(pair)).status ==
      200);
  REQUIRE(shop.call("POST", "/me/addresses",
                    {{"recipient", "Hong Gildong"},
                     {"phone", "010-5555-6666"},
                     {"zip_code", "04524"},
                     {"line1", "Sejong-daero 110"},
                     {"line2", "Mayor's office"}},
                    token(pair))
              .status == 201);
  // Every table, as a dump would show it.
  const auto url = shop.db().url();
  const std::string dump = command_output("/usr/lib/postgresql/15/bin/pg_dump --data-only '" + url + "'");
  REQUIRE(dump.find("COPY users.accounts") != std::string::npos);
  for (const char* secret : {"private_person@example.com", "Hong Gildong", "010-5555-6666", "01055556666",
                             "04524", "Sejong-daero", "Mayor's office", "Kim Minji", "010-1234-5678"}) {
    INFO(secret);
    CHECK(dump.find(secret) == std::string::npos);
    CHECK(shop.log().find(secret) == std::string::npos);
  }
}

TEST_CASE("seed-demo prints passwords that log in", "[http][users]") {
  Shop shop;
  const auto seeded = shop::test::run_shopd({"seed-demo"}, shop.env());
  REQUIRE(seeded.exit_code == 0);
  const auto at = seeded.output.find("demo_customer\t");
  REQUIRE(at != std::string::npos);
  const auto password = seeded.output.substr(at + 14, 16);
  CHECK(shop.call("POST", "/auth/login", {{"username", "demo_customer"}, {"password", password}}).status ==
        200);
  const auto again = shop::test::run_shopd({"seed-demo"}, shop.env());
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.output, Catch::Contains("exists already"));
}

TEST_CASE("a login rehashes a password stored under an older Argon2id cost", "[http][users][sessions]") {
  Shop shop(shop::test::EnvList{{"SHOPD_PASSWORD_OPS_LIMIT", "3"}});
  shop.member("old_hash");
  const auto stored = [&] {
    return query_value(shop.db().url(),
                       "SELECT password_hash FROM users.accounts WHERE username = 'old_hash'");
  };
  CHECK_THAT(stored(), Catch::Contains("t=3"));
  const auto upgraded = shop.start_another({{"SHOPD_PASSWORD_OPS_LIMIT", "2"}});  // the later value wins
  const auto port = upgraded->port();
  const auto login = shop::test::http_request(port, "POST", "/api/v1/auth/login",
                                              R"({"username":"old_hash","password":"correct horse"})",
                                              {{"Content-Type", "application/json"}});
  CHECK(login.status == 200);
  CHECK_THAT(stored(), Catch::Contains("t=2"));
  CHECK(shop.call("POST", "/auth/login", {{"username", "old_hash"}, {"password", "correct horse"}}).status ==
        200);
}

TEST_CASE("failed logins are limited per client address whatever the username", "[http][users][sessions]") {
  Shop shop(shop::test::EnvList{{"SHOPD_LOGIN_LIMIT_PER_ADDRESS", "2"}});
  shop.member("real_user");
  CHECK(shop.call("POST", "/auth/login", {{"username", "guess_one"}, {"password", "x"}}).status == 401);
  CHECK(shop.call("POST", "/auth/login", {{"username", "guess_two"}, {"password", "x"}}).status == 401);
  const auto blocked =
      shop.call("POST", "/auth/login", {{"username", "real_user"}, {"password", "correct horse"}});
  CHECK(blocked.status == 429);
  CHECK(blocked.header("Retry-After").has_value());
}
