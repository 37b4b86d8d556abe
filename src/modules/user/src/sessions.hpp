#pragma once

#include "user_context.hpp"

#include "shop/infra/domain/outcome.hpp"
#include "shop/infra/http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>

// Sessions: a login opens one; its access tokens are signed and short-lived, its refresh tokens
// random, stored as hashes and spent by their one use. Revoking the session refuses both at once,
// and a session ends auth.session_lifetime after the login however often its tokens rotate.
namespace shop::user {

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::chrono::seconds access_ttl;
  std::chrono::seconds refresh_ttl;
};

struct LoginAttempt {
  std::string username;
  std::string password;
  std::string client_subject;  // the client's address, for the per-address limit
};

struct LoginRefused {
  enum class Reason { kInvalidCredentials, kNotVerified, kTooManyAttempts } reason;
  std::chrono::seconds retry_after{0};
};

// Counts the attempt against the username and the client address first, then checks the password
// (against a dummy hash for an unknown user, so the timing tells nothing), then opens a session.
boost::asio::awaitable<infra::domain::Outcome<TokenPair, LoginRefused>> login(UserContext& ctx,
                                                                              LoginAttempt attempt);

enum class RefreshRefused { kInvalid };
// Spends the refresh token for a new pair. A spent token presented again was copied: its whole
// session is revoked.
boost::asio::awaitable<infra::domain::Outcome<TokenPair, RefreshRefused>> refresh(UserContext& ctx,
                                                                                  std::string refresh_token);

boost::asio::awaitable<void> logout(UserContext& ctx, std::string session_id);

// Revokes every live session of a user but `keep` (empty: all).
void revoke_sessions_of(const UserContext& ctx, infra::db::Tx& tx, const std::string& user_id,
                        const std::string& keep = "");

// The caller of a valid access token whose session is live and whose account is active, with the
// account's row (a StoredAccount in Caller::account) read by the same statement.
boost::asio::awaitable<std::optional<infra::http::Caller>> authenticate(const UserContext& ctx,
                                                                        std::string token);

// The periodic job: deletes ended sessions (with their tokens) and expired refresh tokens.
std::int64_t purge_sessions(const UserContext& ctx, infra::db::Tx& tx);

}  // namespace shop::user
