#include "sessions.hpp"

#include "sql_time.hpp"

#include "shop/infra/crypto/opaque_token.hpp"

namespace shop::user {
namespace {

constexpr const char* kOpenSession =
    "INSERT INTO users.sessions (user_id) VALUES (CAST(:user_id AS uuid)) RETURNING id::text";
constexpr const char* kStoreRefresh =
    "INSERT INTO users.refresh_tokens (token_hash, session_id, expires_at)"
    " VALUES (:hash, CAST(:session AS uuid), " SHOP_USER_SQL_TIME(":expires") ")";
constexpr const char* kRevoke =
    "UPDATE users.sessions SET revoked_at = now() WHERE id = CAST(:id AS uuid) AND revoked_at IS NULL";
constexpr const char* kRevokeAllBut =
    "UPDATE users.sessions SET revoked_at = now() WHERE user_id = CAST(:user_id AS uuid) AND revoked_at IS "
    "NULL"
    " AND id::text <> :keep";
constexpr infra::db::Statement kLiveSession{
    "users_live_session",
    "SELECT a.id::text, a.role FROM users.sessions s JOIN users.accounts a ON a.id = s.user_id"
    " WHERE s.id = $1::uuid AND s.revoked_at IS NULL AND a.status = 'active'"};

}  // namespace

boost::json::object open_session(UserContext& ctx, infra::db::Tx& tx, const std::string& user_id,
                                 const std::string& role) {
  std::string session_id;
  tx.sql() << kOpenSession, soci::use(user_id), soci::into(session_id);
  return issue_tokens(ctx, tx, user_id, role, session_id);
}

boost::json::object issue_tokens(UserContext& ctx, infra::db::Tx& tx, const std::string& user_id,
                                 const std::string& role, const std::string& session_id) {
  const auto now = ctx.clock.now();
  const auto refresh = infra::crypto::generate_opaque_token();
  const auto hash = infra::crypto::hash_for_storage(refresh);
  const long long expires = infra::clock::epoch_microseconds(now + ctx.options.refresh_ttl);
  tx.sql() << kStoreRefresh, soci::use(hash), soci::use(session_id), soci::use(expires);
  const auto issued = std::chrono::floor<std::chrono::seconds>(now);
  const auto access = ctx.signer.sign({.subject = user_id,
                                       .session_id = session_id,
                                       .role = role,
                                       .issued_at = issued,
                                       .expires_at = issued + ctx.options.access_ttl});
  return {{"access_token", access},
          {"token_type", "Bearer"},
          {"expires_in", ctx.options.access_ttl.count()},
          {"refresh_token", refresh},
          {"refresh_expires_in", ctx.options.refresh_ttl.count()}};
}

void revoke_session(infra::db::Tx& tx, const std::string& session_id) {
  tx.sql() << kRevoke, soci::use(session_id);
}

void revoke_sessions_of(infra::db::Tx& tx, const std::string& user_id, const std::string& keep) {
  tx.sql() << kRevokeAllBut, soci::use(user_id), soci::use(keep);
}

boost::asio::awaitable<std::optional<infra::http::Caller>> authenticate(const UserContext& ctx,
                                                                        std::string token) {
  const auto claims = ctx.signer.verify(token, std::chrono::floor<std::chrono::seconds>(ctx.clock.now()));
  if (!claims) co_return std::nullopt;
  const auto rows = co_await ctx.db.query(kLiveSession, claims->session_id);
  if (rows.rows() == 0 || rows.text(0, 0) != claims->subject) co_return std::nullopt;
  co_return infra::http::Caller{claims->subject, std::string(rows.text(0, 1)), claims->session_id};
}

}  // namespace shop::user
