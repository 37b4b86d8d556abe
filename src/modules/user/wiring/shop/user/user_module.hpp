#pragma once

#include "shop/user/user_directory.hpp"
#include "shop/user/withdrawal_guard.hpp"

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/config/settings.hpp"
#include "shop/infra/crypto/key_ring.hpp"
#include "shop/infra/crypto/password_hasher.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/domain/field_error.hpp"
#include "shop/infra/domain/outcome.hpp"
#include "shop/infra/http/router.hpp"
#include "shop/infra/mail/mail_outbox.hpp"
#include "shop/infra/scheduler/scheduler.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>

// The user module's entry point, for src/app only: accounts, e-mail verification, sessions, the
// caller's own page and addresses, roles. Other modules see UserDirectory.
namespace shop::user {

struct AbuseLimits {
  int login_per_username = 10;  // logins per username per window (a success forgives them)
  int login_per_address = 50;   // failed logins per client address per window
  std::chrono::seconds login_window{15 * 60};
  int verify_attempts = 5;             // wrong codes before a code is void
  int verification_max_failures = 15;  // wrong codes per account in all, across resends
  std::chrono::seconds resend_interval{60};
  int signup_per_address = 100;  // signups per client address per signup_window
  std::chrono::seconds signup_window{3600};
};

struct UserOptions {
  std::chrono::seconds access_ttl{15 * 60};
  std::chrono::seconds refresh_ttl{14 * 24 * 3600};
  std::chrono::seconds session_lifetime{30 * 24 * 3600};  // however often its tokens rotate
  std::chrono::seconds code_ttl{10 * 60};
  std::chrono::seconds pending_account_ttl{24 * 3600};  // unverified accounts stop holding their names
  std::chrono::seconds purge_interval{3600};            // retention of sessions, tokens, counters
  std::string mail_from;
  AbuseLimits limits;
};

// The module's configuration keys (auth.*), for `shopd --help` and the config file.
std::span<const infra::config::Knob> user_knobs();
// Reads them; throws ConfigError naming a bad key. `mail_from` is the application's.
UserOptions read_user_options(const infra::config::Settings& settings, std::string mail_from);

struct UserDeps {
  infra::db::Database& db;
  const infra::clock::Clock& clock;
  const infra::crypto::KeyRing& keys;
  const infra::crypto::PasswordHasher& passwords;
  const infra::mail::MailQueue& mail;
  UserOptions options;
  // Asked before a withdrawal; none means nothing keeps a user from leaving.
  const WithdrawalGuard* withdrawal_guard = nullptr;
};

// An account made by the operator (`shopd create-admin`, `shopd seed-demo`), active at once. E-mail,
// name and phone may be left out.
struct OperatorAccount {
  std::string username;
  std::string password;
  std::optional<std::string> email = std::nullopt, name = std::nullopt, phone = std::nullopt;
  Role role = Role::kCustomer;
};

// Why an account was not made. Infrastructure failures are exceptions, never one of these.
struct AccountRefused {
  enum class Reason { kInvalid, kUsernameTaken, kEmailTaken, kTooManySignups } reason;
  infra::domain::FieldErrors fields = {};  // kInvalid: every bad field
  std::chrono::seconds retry_after{0};     // kTooManySignups
};

class UserModule {
 public:
  virtual ~UserModule() = default;
  virtual const UserDirectory& directory() const = 0;
  // Verifies an access token and that its session is live; the server calls it for every route
  // that needs a caller.
  virtual infra::http::Authenticator authenticator() const = 0;
  virtual void register_routes(infra::http::Router& router) = 0;
  // Retention of spent tokens, ended sessions, old counters and unverified accounts.
  virtual void register_jobs(infra::scheduler::Scheduler& scheduler) = 0;

  // The same account rules and the same code as signup, with the operator's choice of role. Returns
  // the new account's id.
  virtual boost::asio::awaitable<infra::domain::Outcome<std::string, AccountRefused>> create_account(
      OperatorAccount account) = 0;
  // The id of the active account with this username, for operator commands (seed-demo gives the
  // demo seller's products to an account an earlier run made).
  virtual boost::asio::awaitable<std::optional<std::string>> account_id(std::string username) = 0;
};

std::unique_ptr<UserModule> make_user_module(UserDeps deps);

}  // namespace shop::user
