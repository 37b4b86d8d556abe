#include "sessions.hpp"

#include "stored_account.hpp"

#include "shop/infra/crypto/opaque_token.hpp"
#include "shop/infra/domain/text_rule.hpp"

namespace shop::user {
namespace {

using infra::db::Statement;
using infra::db::Tx;
using infra::domain::fail;

constexpr Statement kFindLogin{
    "users.find_login", "SELECT id, password_hash, status, role FROM users.accounts WHERE username = $1"};
constexpr Statement kRehash{"users.rehash_password",
                            "UPDATE users.accounts SET password_hash = $1, updated_at = $3 WHERE id = $2"};
constexpr Statement kOpenSession{
    "users.open_session", "INSERT INTO users.sessions (user_id, created_at) VALUES ($1, $2) RETURNING id"};
constexpr Statement kStoreRefresh{"users.store_refresh_token",
                                  "INSERT INTO users.refresh_tokens (token_hash, session_id, issued_at, "
                                  "expires_at) VALUES ($1, $2, $3, $4)"};
constexpr Statement kClaimRefresh{"users.claim_refresh_token",
                                  "SELECT r.session_id, r.spent_at IS NOT NULL,"
                                  " (r.expires_at <= $2 OR s.revoked_at IS NOT NULL OR s.created_at <= $3 OR "
                                  "a.status <> 'active'), a.id, a.role"
                                  " FROM users.refresh_tokens r JOIN users.sessions s ON s.id = r.session_id "
                                  "JOIN users.accounts a ON a.id = s.user_id"
                                  " WHERE r.token_hash = $1 FOR UPDATE OF r"};
constexpr Statement kSpendRefresh{"users.spend_refresh_token",
                                  "UPDATE users.refresh_tokens SET spent_at = $2 WHERE token_hash = $1"};
constexpr Statement kRevoke{"users.revoke_session",
                            "UPDATE users.sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"};
constexpr Statement kRevokeAllBut{
    "users.revoke_sessions_of",
    "UPDATE users.sessions SET revoked_at = $3 WHERE user_id = $1 AND revoked_at IS NULL AND id::text <> $2"};
constexpr Statement kLiveSession{"users.live_session",
                                 "SELECT " SHOP_USER_ACCOUNT_COLUMNS
                                 " FROM users.sessions s JOIN users.accounts a ON a.id = s.user_id"
                                 " WHERE s.id = $1 AND s.revoked_at IS NULL AND s.created_at > $2"
                                 " AND a.status = 'active'"};
constexpr Statement kPurgeSessions{"users.purge_sessions",
                                   "DELETE FROM users.sessions WHERE id IN (SELECT id FROM users.sessions"
                                   " WHERE revoked_at IS NOT NULL OR created_at <= $1 LIMIT 1000)"};
constexpr Statement kPurgeRefreshTokens{
    "users.purge_refresh_tokens",
    "DELETE FROM users.refresh_tokens WHERE token_hash IN (SELECT token_hash FROM users.refresh_tokens"
    " WHERE expires_at <= $1 LIMIT 1000)"};

infra::clock::TimePoint session_cutoff(const UserContext& ctx) {
  return ctx.clock.now() - ctx.options.session_lifetime;
}

// A new token pair for a live session: a fresh refresh token stored, an access token signed.
TokenPair issue_tokens(const UserContext& ctx, Tx& tx, const std::string& user_id, const std::string& role,
                       const std::string& session_id) {
  const auto now = ctx.clock.now();
  const auto refresh_token = infra::crypto::generate_opaque_token();
  tx.exec(kStoreRefresh, infra::crypto::hash_for_storage(refresh_token), session_id, now,
          now + ctx.options.refresh_ttl);
  const auto issued = std::chrono::floor<std::chrono::seconds>(now);
  return {.access_token = ctx.signer.sign({.subject = user_id,
                                           .session_id = session_id,
                                           .role = role,
                                           .issued_at = issued,
                                           .expires_at = issued + ctx.options.access_ttl}),
          .refresh_token = refresh_token,
          .access_ttl = ctx.options.access_ttl,
          .refresh_ttl = ctx.options.refresh_ttl};
}

struct Credentials {
  std::string id, hash, status, role;
};

}  // namespace

boost::asio::awaitable<infra::domain::Outcome<TokenPair, LoginRefused>> login(UserContext& ctx,
                                                                              LoginAttempt a) {
  using Reason = LoginRefused::Reason;
  // A username no account can have (a control character, a NUL) is simply unknown: it must neither
  // reach SQL nor earn an answer that differs from a wrong password's.
  const bool plausible =
      !infra::domain::has_forbidden_character(a.username, infra::domain::TextKind::kSingleLine);
  struct Counted {
    std::optional<std::chrono::seconds> wait;
    std::optional<Credentials> account;
  };
  auto count = [&](Tx& tx) {
    Counted c;
    c.wait =
        ctx.limiter.count(tx, {{ctx.login_per_user, a.username}, {ctx.login_per_address, a.client_subject}});
    if (c.wait || !plausible) return c;
    if (const auto row = tx.query(kFindLogin, a.username).first()) {
      c.account =
          Credentials{row->string(0), row->optional_string(1).value_or(""), row->string(2), row->string(3)};
    }
    return c;
  };
  const Counted counted = co_await ctx.db.transact(count);
  if (counted.wait) co_return fail(LoginRefused{Reason::kTooManyAttempts, *counted.wait});
  const auto& account = counted.account;
  const bool verified = account ? co_await ctx.passwords.verify(account->hash, a.password)
                                : co_await ctx.passwords.dummy_verify(a.password);
  if (!verified) co_return fail(LoginRefused{Reason::kInvalidCredentials});
  if (account->status != "active") co_return fail(LoginRefused{Reason::kNotVerified});

  std::optional<std::string> rehashed;
  if (ctx.passwords.needs_rehash(account->hash)) rehashed = co_await ctx.passwords.hash(a.password);
  auto open = [&](Tx& tx) {
    // A success forgives the username's failures; the address keeps its failures but not this try.
    ctx.limiter.forgive(tx, ctx.login_per_user, a.username);
    ctx.limiter.refund(tx, ctx.login_per_address, a.client_subject);
    const auto now = ctx.clock.now();
    if (rehashed) tx.exec(kRehash, *rehashed, account->id, now);
    const auto session = tx.query(kOpenSession, account->id, now)[0].string(0);
    return issue_tokens(ctx, tx, account->id, account->role, session);
  };
  co_return co_await ctx.db.transact(open);
}

boost::asio::awaitable<infra::domain::Outcome<TokenPair, RefreshRefused>> refresh(UserContext& ctx,
                                                                                  std::string refresh_token) {
  const auto hash = infra::crypto::hash_for_storage(refresh_token);
  auto rotate = [&](Tx& tx) -> std::optional<TokenPair> {
    const auto now = ctx.clock.now();
    const auto row = tx.query(kClaimRefresh, hash, now, session_cutoff(ctx)).first();
    if (!row || row->boolean(2)) return std::nullopt;
    const auto session = row->string(0);
    if (row->boolean(1)) {
      // A spent token presented again was copied: whoever holds the session's tokens loses them.
      tx.exec(kRevoke, session, now);
      return std::nullopt;
    }
    tx.exec(kSpendRefresh, hash, now);
    return issue_tokens(ctx, tx, row->string(3), row->string(4), session);
  };
  auto pair = co_await ctx.db.transact(rotate);
  if (!pair) co_return fail(RefreshRefused::kInvalid);
  co_return std::move(*pair);
}

boost::asio::awaitable<void> logout(UserContext& ctx, std::string session_id) {
  auto end = [&](Tx& tx) { tx.exec(kRevoke, session_id, ctx.clock.now()); };
  co_await ctx.db.transact(end);
}

void revoke_sessions_of(const UserContext& ctx, Tx& tx, const std::string& user_id, const std::string& keep) {
  tx.exec(kRevokeAllBut, user_id, keep, ctx.clock.now());
}

boost::asio::awaitable<std::optional<infra::http::Caller>> authenticate(const UserContext& ctx,
                                                                        std::string token) {
  const auto claims = ctx.signer.verify(token, std::chrono::floor<std::chrono::seconds>(ctx.clock.now()));
  if (!claims) co_return std::nullopt;
  const auto rows = co_await ctx.db.query(kLiveSession, claims->session_id, session_cutoff(ctx));
  if (rows.empty()) co_return std::nullopt;
  StoredAccount account = stored_account(rows[0], 0);
  if (account.id != claims->subject) co_return std::nullopt;
  infra::http::Caller caller;
  caller.id = account.id;
  caller.role = account.role;
  caller.session_id = claims->session_id;
  caller.account = std::move(account);
  co_return caller;
}

std::int64_t purge_sessions(const UserContext& ctx, Tx& tx) {
  const auto now = ctx.clock.now();
  return tx.exec(kPurgeSessions, now - ctx.options.session_lifetime) + tx.exec(kPurgeRefreshTokens, now);
}

}  // namespace shop::user
