#include "support/shop_fixture.hpp"

#include "shop/infra/crypto/key_ring.hpp"

#include "support/eventually.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

namespace shop::test {
namespace {

using namespace std::chrono_literals;

// One key ring per test process: a second process of the same test must read what the first sealed.
const std::string& test_keys() {
  static const std::string keys = infra::crypto::KeyRing::generate().to_text();
  return keys;
}

EnvList appended(EnvList env, const EnvList& extra) {
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

}  // namespace

ShopServer::ShopServer(const EnvList& env) : process_(env), port_(process_.wait_until_listening()) {}

HttpResponse ShopServer::call(std::string_view method, const std::string& path,
                              const boost::json::value& body, const std::string& token,
                              const HeaderList& headers) const {
  HeaderList all = headers;
  if (!token.empty()) all.emplace_back("Authorization", "Bearer " + token);
  std::string text;
  if (!body.is_null()) {
    all.emplace_back("Content-Type", "application/json");
    text = boost::json::serialize(body);
  }
  return http_request(port_, method, "/api/v1" + path, text, all);
}

Shop::Shop(const EnvList& extra) {
  env_ = base_shopd_env(db_.url());
  env_.emplace_back("SHOPD_SECRET_KEYS", test_keys());
  env_.emplace_back("SHOPD_MAIL_DIR", mail_.path().string());
  env_.emplace_back("SHOPD_EVENTS_POLL_INTERVAL", "100ms");
  env_ = appended(env_, extra);
  server_ = std::make_unique<ShopServer>(env_);
}

std::size_t Shop::mails_to(const std::string& email, std::string_view subject) const {
  std::size_t n = 0;
  for (const auto& f : files_in(mail_.path(), ".eml")) {
    const auto text = read_file(f);
    if (text.find("To: " + email + "\r\n") != std::string::npos &&
        text.find("Subject: " + std::string(subject) + "\r\n") != std::string::npos) {
      ++n;
    }
  }
  return n;
}

std::string Shop::code_for(const std::string& email, std::size_t nth) const {
  std::string code;
  REQUIRE(eventually(
      [&] {
        std::size_t seen = 0;
        for (const auto& f : files_in(mail_.path(), ".eml")) {
          const auto text = read_file(f);
          if (text.find("To: " + email + "\r\n") == std::string::npos) continue;
          ++seen;
          // The code stands on a line of its own.
          for (std::size_t at = text.find("\r\n"); at != std::string::npos; at = text.find("\r\n", at + 2)) {
            const auto line = text.substr(at + 2, 6);
            if (line.size() == 6 && line.find_first_not_of("0123456789") == std::string::npos &&
                text.compare(at + 8, 2, "\r\n") == 0) {
              if (seen == nth) code = line;
            }
          }
        }
        return seen >= nth;
      },
      10s));
  return code;
}

HttpResponse Shop::signup(const std::string& username, const std::string& email,
                          const std::string& password) const {
  return call("POST", "/users",
              {{"username", username},
               {"password", password},
               {"email", email},
               {"name", "Kim Minji"},
               {"phone", "010-1234-5678"}});
}

boost::json::object Shop::member(const std::string& username, const std::string& password) const {
  const auto email = username + "@example.com";
  REQUIRE(signup(username, email, password).status == 201);
  REQUIRE(call("POST", "/users/verify-email", {{"username", username}, {"code", code_for(email)}}).status ==
          200);
  const auto login = call("POST", "/auth/login", {{"username", username}, {"password", password}});
  REQUIRE(login.status == 200);
  return login.json().as_object();
}

SignedIn Shop::sign_in(const std::string& username) const {
  const auto login = call("POST", "/auth/login", {{"username", username}, {"password", kPassword}});
  INFO("login of " << username << ": " << login.body);
  REQUIRE(login.status == 200);
  SignedIn account{"", username, string_at(login.json(), "access_token"),
                   string_at(login.json(), "refresh_token")};
  const auto me = call("GET", "/me", nullptr, account.access_token);
  REQUIRE(me.status == 200);
  account.id = string_at(me.json(), "id");
  return account;
}

const SignedIn& Shop::customer() {
  if (!customer_) {
    member("fixture_customer");
    customer_ = sign_in("fixture_customer");
  }
  return *customer_;
}

const SignedIn& Shop::admin() {
  if (!admin_) {
    // The first admin exists only through the command, the password on its standard input.
    const auto made =
        run_shopd({"create-admin", "--username", "fixture_admin"}, env_, 60s, std::string(kPassword) + "\n");
    INFO("create-admin: " << made.output);
    REQUIRE(made.exit_code == 0);
    admin_ = sign_in("fixture_admin");
  }
  return *admin_;
}

const SignedIn& Shop::seller() {
  if (!seller_) seller_ = account("fixture_seller", "seller");
  return *seller_;
}

SignedIn Shop::account(const std::string& username, std::string_view role) {
  member(username);
  auto made = sign_in(username);
  if (role != "customer") {
    const auto granted =
        call("PUT", "/admin/users/" + made.id + "/role", {{"role", role}}, admin().access_token);
    INFO("granting " << role << ": " << granted.body);
    REQUIRE(granted.status == 200);
  }
  return made;  // its token carries the new role from the next request on
}

std::unique_ptr<ShopServer> Shop::start_another(const EnvList& extra) const {
  return std::make_unique<ShopServer>(appended(env_, extra));
}

std::string string_at(const boost::json::value& object, std::string_view key) {
  return std::string(object.at(key).as_string());
}

}  // namespace shop::test
