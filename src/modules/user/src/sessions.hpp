#pragma once

#include "user_context.hpp"

#include "shop/infra/http/message.hpp"

#include <boost/json/object.hpp>

#include <string>

// Sessions: a login opens one; its access tokens are signed and short-lived, its refresh tokens
// random, stored as hashes and spent by their one use. Revoking the session refuses both at once.
namespace shop::user {

// Opens a session for the user and returns the token pair as the API answers it.
boost::json::object open_session(UserContext& ctx, infra::db::Tx& tx, const std::string& user_id,
                                 const std::string& role);

// A new token pair for a live session: a fresh refresh token stored, an access token signed.
boost::json::object issue_tokens(UserContext& ctx, infra::db::Tx& tx, const std::string& user_id,
                                 const std::string& role, const std::string& session_id);

// Revokes one session, or every live session of a user but `keep` (empty: all).
void revoke_session(infra::db::Tx& tx, const std::string& session_id);
void revoke_sessions_of(infra::db::Tx& tx, const std::string& user_id, const std::string& keep = "");

// The caller of a valid access token whose session is live and whose account is active; the role
// is read afresh, so a role change applies to the next request.
boost::asio::awaitable<std::optional<infra::http::Caller>> authenticate(const UserContext& ctx,
                                                                        std::string token);

}  // namespace shop::user
