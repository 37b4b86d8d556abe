#include "routes.hpp"
#include "sessions.hpp"
#include "sql_time.hpp"

#include "shop/infra/crypto/opaque_token.hpp"
#include "shop/infra/http/client_address.hpp"
#include "shop/infra/http/json_input.hpp"

namespace shop::user {
namespace {

namespace http = infra::http;
using infra::db::Tx;

constexpr infra::db::Statement kFindLogin{
    "users_find_login",
    "SELECT id::text, password_hash, status, role FROM users.accounts WHERE username = $1"};
constexpr const char* kRehash =
    "UPDATE users.accounts SET password_hash = :hash, updated_at = now() WHERE id = CAST(:id AS uuid)";
constexpr const char* kClaimRefresh =
    "SELECT r.session_id::text, (r.spent_at IS NOT NULL)::int,"
    " (r.expires_at <= " SHOP_USER_SQL_TIME(":now") " OR s.revoked_at IS NOT NULL OR a.status <> 'active')::int,"
    " a.id::text, a.role"
    " FROM users.refresh_tokens r JOIN users.sessions s ON s.id = r.session_id JOIN users.accounts a ON a.id = s.user_id"
    " WHERE r.token_hash = :hash FOR UPDATE OF r";
constexpr const char* kSpendRefresh =
    "UPDATE users.refresh_tokens SET spent_at = now() WHERE token_hash = :hash";
http::Problem invalid_credentials() {
  return http::Problem(401, "invalid_credentials", "Invalid credentials",
                       "The username or password is wrong.");
}

// The subject of the per-address login limit: the client's address as the edge resolved it through
// trusted proxies, an IPv6 client by its /64.
std::string client_address(const http::Request& req) {
  return http::rate_limit_subject(req.client_address);
}

boost::asio::awaitable<http::Response> login(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto username = in.root().text("username", {.min = 1, .max = 64});
  auto password = in.root().text("password", {.min = 1, .max = 128});
  in.finish();

  const auto& limits = ctx.options.limits;
  const Limit per_user{"login_user", limits.login_per_username, limits.login_window};
  const Limit per_address{"login_address", limits.login_per_address, limits.login_window};
  const auto address = client_address(req);
  auto wait = co_await ctx.limiter.exhausted(per_user, *username);
  if (!wait) wait = co_await ctx.limiter.exhausted(per_address, address);
  if (wait) throw too_many("too_many_attempts", *wait, "Too many failed logins; try again later.");

  const auto rows = co_await ctx.db.query(kFindLogin, *username);
  bool verified = false;
  if (rows.rows() == 0) {
    // As slow as a real check, so the answer's timing does not tell which usernames exist.
    co_await ctx.passwords.dummy_verify(*password);
  } else {
    verified = co_await ctx.passwords.verify(std::string(rows.text(0, 1)), *password);
  }
  if (!verified) {
    co_await ctx.limiter.hit(per_user, *username);
    co_await ctx.limiter.hit(per_address, address);
    throw invalid_credentials();
  }
  const std::string id(rows.text(0, 0));
  const std::string role(rows.text(0, 3));
  if (rows.text(0, 2) != "active") {
    throw http::Problem(403, "email_not_verified", "E-mail not verified",
                        "Verify your e-mail address with the code we sent before logging in.");
  }
  co_await ctx.limiter.reset(per_user, *username);
  std::optional<std::string> rehashed;
  if (ctx.passwords.needs_rehash(std::string(rows.text(0, 1))))
    rehashed = co_await ctx.passwords.hash(*password);
  auto open = [&](Tx& tx) {
    if (rehashed) tx.sql() << kRehash, soci::use(*rehashed), soci::use(id);
    return open_session(ctx, tx, id, role);
  };
  co_return http::json_response(200, co_await ctx.db.transact(open));
}

enum class RefreshOutcome { kRefreshed, kUnknown, kReplayed };

boost::asio::awaitable<http::Response> refresh(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto token = in.root().text("refresh_token", {.min = 1, .max = 256});
  in.finish();
  const auto hash = infra::crypto::hash_for_storage(*token);
  boost::json::object pair;
  auto rotate = [&](Tx& tx) {
    std::string session, user_id, role;
    int spent = 0, dead = 0;
    const long long now_us = infra::clock::epoch_microseconds(ctx.clock.now());
    tx.sql() << kClaimRefresh, soci::use(now_us), soci::use(hash), soci::into(session), soci::into(spent),
        soci::into(dead), soci::into(user_id), soci::into(role);
    if (!tx.sql().got_data() || dead != 0) return RefreshOutcome::kUnknown;
    if (spent != 0) {
      // A spent token presented again was copied: whoever holds the session's tokens loses them.
      revoke_session(tx, session);
      return RefreshOutcome::kReplayed;
    }
    tx.sql() << kSpendRefresh, soci::use(hash);
    pair = issue_tokens(ctx, tx, user_id, role, session);
    return RefreshOutcome::kRefreshed;
  };
  if (co_await ctx.db.transact(rotate) != RefreshOutcome::kRefreshed) {
    throw http::Problem(401, "invalid_refresh_token", "Invalid refresh token",
                        "The refresh token is unknown, expired, spent or its session has ended.");
  }
  co_return http::json_response(200, pair);
}

boost::asio::awaitable<http::Response> logout(UserContext& ctx, http::Request& req) {
  auto end = [&](Tx& tx) { revoke_session(tx, req.caller->session_id); };
  co_await ctx.db.transact(end);
  co_return http::no_content();
}

}  // namespace

void register_session_routes(http::Router& router, UserContext& ctx) {
  using http::Method;
  router.add(Method::kPost, "/api/v1/auth/login", [&ctx](http::Request& r) { return login(ctx, r); });
  router.add(Method::kPost, "/api/v1/auth/refresh", [&ctx](http::Request& r) { return refresh(ctx, r); });
  router.add(
      Method::kPost, "/api/v1/auth/logout", [&ctx](http::Request& r) { return logout(ctx, r); },
      http::Access::signed_in());
}

}  // namespace shop::user
