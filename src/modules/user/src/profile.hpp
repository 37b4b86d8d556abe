#pragma once

#include "stored_account.hpp"
#include "user_context.hpp"

#include "shop/infra/domain/outcome.hpp"
#include "shop/infra/http/message.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>

// The caller's own account: reading and changing it, the password, and withdrawal.
namespace shop::user {

struct Profile {
  std::string id, username, role;
  std::optional<std::string> email, name, phone;  // none for an operator's account made without them
  infra::clock::TimePoint created_at;
};
boost::json::object to_json(const Profile& profile);

// The account the authenticator read with the caller's session, opened.
Profile open_profile(const UserContext& ctx, const StoredAccount& account);
// The same, read afresh in a transaction; nullopt if the account is gone.
std::optional<Profile> load_profile(const UserContext& ctx, infra::db::Tx& tx, const std::string& user_id);

struct ProfileChange {
  std::optional<std::string> name = std::nullopt, phone = std::nullopt;
};
// nullopt if the account is gone.
boost::asio::awaitable<std::optional<Profile>> change_profile(UserContext& ctx, std::string user_id,
                                                              ProfileChange change);

// Why a step guarded by the account's password did not happen.
struct PasswordRefused {
  enum class Reason { kGone, kWrongPassword, kTooManyAttempts, kSameAsUsername, kOrdersInProgress } reason;
  std::chrono::seconds retry_after{0};
};

struct PasswordChange {
  std::string user_id;
  std::string keep_session;  // the caller's own session survives; every other one is revoked
  std::string current_password;
  std::string new_password;
};
boost::asio::awaitable<infra::domain::Outcome<infra::domain::Done, PasswordRefused>> change_password(
    UserContext& ctx, PasswordChange change);

// Erases the personal data and addresses, revokes every session and publishes UserWithdrawn. The
// account's id stays, so past orders keep pointing at it. Refused (kOrdersInProgress) while the
// withdrawal guard says the user has orders in progress.
boost::asio::awaitable<infra::domain::Outcome<infra::domain::Done, PasswordRefused>> withdraw(
    UserContext& ctx, std::string user_id, std::string password);

}  // namespace shop::user
