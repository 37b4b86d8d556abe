#pragma once

#include "shop/user/user_directory.hpp"

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/crypto/key_ring.hpp"
#include "shop/infra/crypto/password_hasher.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/http/router.hpp"
#include "shop/infra/mail/mail_outbox.hpp"

#include <chrono>
#include <memory>
#include <string>

// The user module's entry point, for src/app only: accounts, e-mail verification, sessions, the
// caller's own page and addresses, roles. Other modules see UserDirectory.
namespace shop::user {

struct AbuseLimits {
  int login_per_username = 10;  // failed logins per username per window
  int login_per_address = 50;   // failed logins per client address per window
  std::chrono::seconds login_window{15 * 60};
  int verify_attempts = 5;  // wrong codes before a code is void
  std::chrono::seconds resend_interval{60};
};

struct UserOptions {
  std::chrono::seconds access_ttl{15 * 60};
  std::chrono::seconds refresh_ttl{14 * 24 * 3600};
  std::chrono::seconds code_ttl{10 * 60};
  std::string mail_from;
  AbuseLimits limits;
};

struct UserDeps {
  infra::db::Database& db;
  const infra::clock::Clock& clock;
  const infra::crypto::KeyRing& keys;
  const infra::crypto::PasswordHasher& passwords;
  const infra::mail::MailQueue& mail;
  UserOptions options;
};

class UserModule {
 public:
  virtual ~UserModule() = default;
  virtual const UserDirectory& directory() const = 0;
  // Verifies an access token and that its session is live; the router calls it for every route that
  // needs a caller.
  virtual infra::http::Authenticator authenticator() const = 0;
  virtual void register_routes(infra::http::Router& router) = 0;

  // `shopd create-admin` and `shopd seed-demo`: an active account with this role, blocking. Throws
  // std::invalid_argument naming the field for invalid input, std::runtime_error if the username
  // or e-mail is taken.
  virtual std::string create_account(const std::string& username, const std::string& password,
                                     const std::string& email, const std::string& name,
                                     const std::string& phone, Role role) = 0;
};

std::unique_ptr<UserModule> make_user_module(UserDeps deps);

}  // namespace shop::user
