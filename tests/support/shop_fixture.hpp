#pragma once

#include "support/http_client.hpp"
#include "support/shopd_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

// The fixture of the HTTP tests of shopd's modules: the real binary serving a fresh database, its
// mail read back from the file transport, and accounts of each role ready to use.
namespace shop::test {

// The password of the accounts the fixture makes.
inline constexpr std::string_view kPassword = "correct horse";

// One shopd process serving on port 0; call() talks to its /api/v1.
class ShopServer {
 public:
  explicit ShopServer(const EnvList& env);  // returns once it listens; throws with its log if not

  // `method /api/v1<path>`: a non-null `body` goes as JSON, a non-empty `token` as a bearer token.
  HttpResponse call(std::string_view method, const std::string& path,
                    const boost::json::value& body = nullptr, const std::string& token = "",
                    const HeaderList& headers = {}) const;

  std::uint16_t port() const { return port_; }  // for http_request() to paths outside /api/v1
  ShopdProcess& process() { return process_; }  // signals and exit codes
  std::string log() const { return process_.log(); }

 private:
  ShopdProcess process_;
  std::uint16_t port_;
};

// An account the fixture signed up (or made with create-admin) and logged in.
struct SignedIn {
  std::string id;
  std::string username;
  std::string access_token;
  std::string refresh_token;
};

// A fresh database, a mail directory and shopd serving on them with the test key ring. The
// customer, seller and admin accounts are made on first use, so a test pays only for those it asks for.
class Shop {
 public:
  // `extra` variables are appended to the environment (a later value of a variable wins).
  explicit Shop(const EnvList& extra = {});

  HttpResponse call(std::string_view method, const std::string& path,
                    const boost::json::value& body = nullptr, const std::string& token = "",
                    const HeaderList& headers = {}) const {
    return server_->call(method, path, body, token, headers);
  }

  // The newest verification code mailed to `email` (the `nth` mail to it), as a client reads it.
  std::string code_for(const std::string& email, std::size_t nth = 1) const;
  // How many mails to `email` have this subject, as the file transport wrote them.
  std::size_t mails_to(const std::string& email, std::string_view subject) const;
  HttpResponse signup(const std::string& username, const std::string& email,
                      const std::string& password = std::string(kPassword)) const;
  // Signs up `username`@example.com, verifies it with the mailed code and logs in; the token pair.
  boost::json::object member(const std::string& username,
                             const std::string& password = std::string(kPassword)) const;

  // Accounts with password kPassword: a verified customer, a customer an admin made a seller, and
  // an admin made by `shopd create-admin`.
  const SignedIn& customer();
  const SignedIn& seller();
  // A further signed-up, verified and signed-in account: "customer", or "seller"/"admin" by an
  // admin's role change (a second seller or customer for ownership tests).
  SignedIn account(const std::string& username, std::string_view role);
  const SignedIn& admin();

  // Another shopd on the same database, mail directory and keys (two-process tests), with `extra`
  // appended to env().
  std::unique_ptr<ShopServer> start_another(const EnvList& extra = {}) const;

  const TestDatabase& db() const { return db_; }
  const EnvList& env() const { return env_; }
  const std::filesystem::path& mail_dir() const { return mail_.path(); }
  ShopServer& server() { return *server_; }
  std::uint16_t port() const { return server_->port(); }
  std::string log() const { return server_->log(); }

 private:
  SignedIn sign_in(const std::string& username) const;

  TestDatabase db_;
  TempDir mail_;
  EnvList env_;
  std::unique_ptr<ShopServer> server_;
  std::optional<SignedIn> customer_;
  std::optional<SignedIn> seller_;
  std::optional<SignedIn> admin_;
};

// The string at `key` of a JSON object, e.g. string_at(login.json(), "access_token").
std::string string_at(const boost::json::value& object, std::string_view key);

}  // namespace shop::test
