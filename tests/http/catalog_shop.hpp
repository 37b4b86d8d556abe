#pragma once

// shopd on a fresh database with signed-in accounts of each role, for the catalog and wishlist
// tests. It follows the shared HTTP fixture that is on its way to tests/support (Shop with
// customer(), seller(), admin(), start_another()), to be replaced by it; accounts come from
// `shopd create-admin` and an admin's role change, so no test here waits for a verification mail.
#include "shop/infra/crypto/key_ring.hpp"

#include "support/http_client.hpp"
#include "support/shopd_process.hpp"
#include "support/test_database.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace shop::test {

struct SignedIn {
  std::string id;
  std::string access_token;
};

inline std::string code_of(const HttpResponse& r) {
  return std::string(r.json().at("code").as_string());
}

class CatalogShop {
 public:
  explicit CatalogShop(const EnvList& extra = {}) {
    env_ = base_shopd_env(db_.url());
    env_.emplace_back("SHOPD_SECRET_KEYS", keys());
    env_.emplace_back("SHOPD_EVENTS_POLL_INTERVAL", "100ms");
    env_.insert(env_.end(), extra.begin(), extra.end());
    process_ = std::make_unique<ShopdProcess>(env_);
    port_ = process_->wait_until_listening();
  }

  HttpResponse call(std::string_view method, const std::string& path,
                    const boost::json::value& body = nullptr, const std::string& token = "") const {
    return call_on(port_, method, path, body, token);
  }
  static HttpResponse call_on(std::uint16_t port, std::string_view method, const std::string& path,
                              const boost::json::value& body = nullptr, const std::string& token = "") {
    HeaderList headers;
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    std::string text;
    if (!body.is_null()) {
      headers.emplace_back("Content-Type", "application/json");
      text = boost::json::serialize(body);
    }
    return http_request(port, method, "/api/v1" + path, text, headers);
  }

  // An account with this role, made on first use.
  const SignedIn& account(const std::string& username, const std::string& role) {
    if (const auto found = accounts_.find(username); found != accounts_.end()) return found->second;
    const auto& boss = admin();
    auto made = make_admin(username);
    if (role != "admin") {
      REQUIRE(call("PUT", "/admin/users/" + made.id + "/role", {{"role", role}}, boss.access_token).status ==
              200);
    }
    return accounts_.emplace(username, made).first->second;
  }
  const SignedIn& admin() {
    if (!admin_) admin_ = make_admin("catalog_admin");
    return *admin_;
  }
  const SignedIn& seller() { return account("seller_one", "seller"); }
  const SignedIn& customer() { return account("customer_one", "customer"); }

  // A product of `seller` with these fields over a valid default; returns its JSON.
  boost::json::object product(const SignedIn& seller, boost::json::object fields = {}) const {
    boost::json::object body{{"name", "녹차 Green tea"}, {"price", 12000}, {"stock", 10}};
    for (const auto& [k, v] : fields) body[k] = v;
    const auto created = call("POST", "/products", body, seller.access_token);
    REQUIRE(created.status == 201);
    return created.json().as_object();
  }

  std::unique_ptr<ShopdProcess> start_another(const EnvList& extra = {}) const {
    auto env = env_;
    env.insert(env.end(), extra.begin(), extra.end());
    return std::make_unique<ShopdProcess>(env);
  }

  const TestDatabase& db() const { return db_; }
  const EnvList& env() const { return env_; }
  std::uint16_t port() const { return port_; }
  std::string log() const { return process_->log(); }

 private:
  static const std::string& keys() {
    static const auto ring = infra::crypto::KeyRing::generate().to_text();
    return ring;
  }

  SignedIn make_admin(const std::string& username) const {
    const auto made = run_shopd({"create-admin", "--username", username}, env_, std::chrono::seconds(60),
                                "correct horse\n");
    REQUIRE(made.exit_code == 0);
    const auto login = call("POST", "/auth/login", {{"username", username}, {"password", "correct horse"}});
    REQUIRE(login.status == 200);
    SignedIn in{"", std::string(login.json().at("access_token").as_string())};
    in.id = std::string(call("GET", "/me", nullptr, in.access_token).json().at("id").as_string());
    return in;
  }

  TestDatabase db_;
  EnvList env_;
  std::unique_ptr<ShopdProcess> process_;
  std::uint16_t port_ = 0;
  std::optional<SignedIn> admin_;
  std::map<std::string, SignedIn> accounts_;
};

}  // namespace shop::test
