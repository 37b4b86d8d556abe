#pragma once

#include "user_context.hpp"

#include "shop/infra/domain/outcome.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

// Making accounts: signup through the API and `shopd create-admin`/`seed-demo` alike run
// create_account, so the rules, the uniqueness checks and the insert exist once.
namespace shop::user {

struct AccountRequest {
  std::string username;
  std::string password;
  std::optional<std::string> email = std::nullopt, name = std::nullopt, phone = std::nullopt;  // as typed
  Role role = Role::kCustomer;
  // false: a signup, pending until the code mailed to `email` is entered. true: the operator's.
  bool active = false;
  // The client's address (signup only), counted against auth.signup_limit_per_address.
  std::optional<std::string> client_subject = std::nullopt;
};

// Validates every field (kInvalid lists them all), counts the signup against its address, checks
// that the username and e-mail are free *before* the costly Argon2 hash, then writes the account,
// its verification code and mail, and UserRegistered in one transaction. An unverified account
// older than auth.pending_account_ttl holds neither its username nor its e-mail: it is removed.
// Returns the account's id.
boost::asio::awaitable<infra::domain::Outcome<std::string, AccountRefused>> create_account(
    UserContext& ctx, AccountRequest request);

// False while an account holds the name (an expired unverified one does not).
boost::asio::awaitable<bool> username_available(const UserContext& ctx, const std::string& username);

// The periodic job: deletes a batch of unverified accounts past auth.pending_account_ttl.
std::int64_t purge_expired_pending_accounts(const UserContext& ctx, infra::db::Tx& tx);

}  // namespace shop::user
