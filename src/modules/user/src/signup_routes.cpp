#include "personal_data.hpp"
#include "routes.hpp"
#include "sql_time.hpp"
#include "validation.hpp"
#include "verification_mail.hpp"

#include "shop/infra/events/outbox.hpp"
#include "shop/infra/http/json_input.hpp"
#include "shop/user/user_events.hpp"

#include <sodium.h>

#include <algorithm>

namespace shop::user {
namespace {

namespace http = infra::http;
using infra::db::Tx;

constexpr infra::db::Statement kUsernameInUse{"users_username_taken",
                                              "SELECT count(*) FROM users.accounts WHERE username = $1"};
constexpr const char* kNewId = "SELECT gen_random_uuid()::text";
// Either unique key may clash with a concurrent signup; DO NOTHING waits for it and then tells.
constexpr const char* kInsertAccount =
    "INSERT INTO users.accounts (id, username, password_hash, email_ct, email_bidx, name_ct, phone_ct)"
    " VALUES (CAST(:id AS uuid), :username, :hash, CAST(:email AS bytea), CAST(:bidx AS bytea),"
    " CAST(:name AS bytea), CAST(:phone AS bytea)) ON CONFLICT DO NOTHING";
constexpr const char* kCountUsername = "SELECT count(*) FROM users.accounts WHERE username = :username";
constexpr const char* kFindForVerification =
    "SELECT a.id::text, a.status, v.code_hash::text, (v.expires_at <= " SHOP_USER_SQL_TIME(":now") ")::int,"
    " v.failed_attempts"
    " FROM users.accounts a LEFT JOIN users.verification_codes v ON v.user_id = a.id"
    " WHERE a.username = :username FOR UPDATE OF a";
constexpr const char* kCountFailure =
    "UPDATE users.verification_codes SET failed_attempts = failed_attempts + 1 WHERE user_id = CAST(:id AS "
    "uuid)";
constexpr const char* kActivate =
    "UPDATE users.accounts SET status = 'active', updated_at = now() WHERE id = CAST(:id AS uuid)";
constexpr const char* kDeleteCode = "DELETE FROM users.verification_codes WHERE user_id = CAST(:id AS uuid)";
constexpr const char* kFindForResend =
    "SELECT a.id::text, a.email_ct::text,"
    " COALESCE(ceil(extract(epoch FROM v.sent_at + make_interval(secs => :interval) - " SHOP_USER_SQL_TIME(":now") ")), 0)::bigint"
    " FROM users.accounts a LEFT JOIN users.verification_codes v ON v.user_id = a.id"
    " WHERE a.username = :username AND a.status = 'pending_verification' FOR UPDATE OF a";

struct SignupInput {
  std::string username, password, email, name, phone;
};

SignupInput read_signup(const http::Request& req) {
  http::JsonInput in(req);
  auto& r = in.root();
  auto username = r.text("username", username_rule());
  auto password = r.text("password", password_rule());
  auto email = r.text("email", email_rule());
  auto name = r.text("name", name_rule());
  auto phone = r.text("phone", phone_rule());
  if (username && password && *username == *password) r.reject("password", "must not be the username");
  in.finish();
  return {*username, *password, normalize_email(*email), *name, *normalize_phone(*phone)};
}

enum class SignupOutcome { kCreated, kUsernameTaken, kEmailTaken };

boost::asio::awaitable<http::Response> signup(UserContext& ctx, http::Request& req) {
  auto input = read_signup(req);
  const std::string hash = co_await ctx.passwords.hash(input.password);
  std::string id;
  auto create = [&](Tx& tx) {
    if (email_in_use(tx, ctx.index, input.email)) return SignupOutcome::kEmailTaken;
    tx.sql() << kNewId, soci::into(id);
    const auto email_ct = seal(ctx.cipher, input.email, "users.accounts.email", id);
    const auto bidx = email_index(ctx.index, input.email);
    const auto name_ct = seal(ctx.cipher, input.name, "users.accounts.name", id);
    const auto phone_ct = seal(ctx.cipher, input.phone, "users.accounts.phone", id);
    soci::statement insert =
        (tx.sql().prepare << kInsertAccount, soci::use(id), soci::use(input.username), soci::use(hash),
         soci::use(email_ct), soci::use(bidx), soci::use(name_ct), soci::use(phone_ct));
    insert.execute(true);
    if (insert.get_affected_rows() == 0) {
      long long taken = 0;
      tx.sql() << kCountUsername, soci::use(input.username), soci::into(taken);
      return taken > 0 ? SignupOutcome::kUsernameTaken : SignupOutcome::kEmailTaken;
    }
    issue_verification_code(ctx, tx, id, input.email);
    infra::events::publish(tx, UserRegistered{id});
    return SignupOutcome::kCreated;
  };
  switch (co_await ctx.db.transact(create)) {
    case SignupOutcome::kUsernameTaken:
      throw http::Problem(409, "username_taken", "Username taken", "Another account has this username.");
    case SignupOutcome::kEmailTaken:
      throw http::Problem(409, "email_taken", "E-mail taken", "Another account has this e-mail address.");
    case SignupOutcome::kCreated:
      break;
  }
  co_return http::json_response(
      201, {{"id", id}, {"username", input.username}, {"status", "pending_verification"}})
      .header("Location", "/api/v1/me");
}

enum class VerifyOutcome { kActive, kInvalid, kExpired, kTooMany };

boost::asio::awaitable<http::Response> verify_email(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto username = in.root().text("username", {.min = 1, .max = 64});
  auto code = in.root().text("code", {.min = 6,
                                      .max = 6,
                                      .check =
                                          [](std::string_view c) {
                                            return std::all_of(c.begin(), c.end(),
                                                               [](char d) { return d >= '0' && d <= '9'; });
                                          },
                                      .check_message = "must be 6 digits"});
  in.finish();
  auto verify = [&](Tx& tx) {
    std::string id, status, stored;
    int expired = 0, failed = 0;
    soci::indicator code_present = soci::i_null;
    const long long now = infra::clock::epoch_microseconds(ctx.clock.now());
    tx.sql() << kFindForVerification, soci::use(now), soci::use(*username), soci::into(id),
        soci::into(status), soci::into(stored, code_present), soci::into(expired), soci::into(failed);
    if (!tx.sql().got_data()) return VerifyOutcome::kInvalid;
    if (status == "active") return VerifyOutcome::kActive;  // verifying twice is harmless
    if (status != "pending_verification" || code_present != soci::i_ok) return VerifyOutcome::kInvalid;
    if (failed >= ctx.options.limits.verify_attempts) return VerifyOutcome::kTooMany;
    if (expired != 0) return VerifyOutcome::kExpired;
    const auto expected = code_hash(ctx, id, *code);
    if (stored.size() != expected.size() ||
        sodium_memcmp(stored.data(), expected.data(), stored.size()) != 0) {
      tx.sql() << kCountFailure, soci::use(id);
      return VerifyOutcome::kInvalid;
    }
    tx.sql() << kActivate, soci::use(id);
    tx.sql() << kDeleteCode, soci::use(id);
    return VerifyOutcome::kActive;
  };
  switch (co_await ctx.db.transact(verify)) {
    case VerifyOutcome::kInvalid:
      throw http::Problem(400, "invalid_code", "Invalid code", "The code is not the one we sent.");
    case VerifyOutcome::kExpired:
      throw http::Problem(410, "code_expired", "Code expired", "Ask for a new code.");
    case VerifyOutcome::kTooMany:
      throw too_many("too_many_attempts", ctx.options.limits.resend_interval,
                     "Too many wrong codes: this one is void. Ask for a new code.");
    case VerifyOutcome::kActive:
      break;
  }
  co_return http::json_response(200, {{"status", "active"}});
}

boost::asio::awaitable<http::Response> resend_verification(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto username = in.root().text("username", {.min = 1, .max = 64});
  in.finish();
  // Unknown and already verified usernames get the same 202, so this reveals no accounts.
  auto resend = [&](Tx& tx) -> long long {
    std::string id, email_ct;
    long long wait_seconds = 0;
    const long long now = infra::clock::epoch_microseconds(ctx.clock.now());
    const long long interval = ctx.options.limits.resend_interval.count();
    tx.sql() << kFindForResend, soci::use(interval), soci::use(now), soci::use(*username), soci::into(id),
        soci::into(email_ct), soci::into(wait_seconds);
    if (!tx.sql().got_data()) return 0;
    if (wait_seconds > 0) return wait_seconds;
    issue_verification_code(ctx, tx, id, open(ctx.cipher, email_ct, "users.accounts.email", id));
    return 0;
  };
  const long long wait = co_await ctx.db.transact(resend);
  if (wait > 0)
    throw too_many("too_many_requests", std::chrono::seconds(wait),
                   "A code was sent less than a minute ago.");
  co_return http::json_response(202, {{"status", "sent"}});
}

boost::asio::awaitable<http::Response> username_availability(UserContext& ctx, http::Request& req) {
  const auto username = req.query_param("username");
  if (!username || !valid_username(*username)) {
    throw http::Problem(400, "validation_failed", "Invalid request", "",
                        {{"username", "must be 4 to 20 of a-z, 0-9 and _"}});
  }
  const auto rows = co_await ctx.db.query(kUsernameInUse, *username);
  co_return http::json_response(200, {{"username", *username}, {"available", rows.integer(0, 0) == 0}});
}

}  // namespace

void register_signup_routes(http::Router& router, UserContext& ctx) {
  using http::Method;
  router.add(Method::kGet, "/api/v1/users/username-availability",
             [&ctx](http::Request& r) { return username_availability(ctx, r); });
  router.add(Method::kPost, "/api/v1/users", [&ctx](http::Request& r) { return signup(ctx, r); });
  router.add(Method::kPost, "/api/v1/users/verify-email",
             [&ctx](http::Request& r) { return verify_email(ctx, r); });
  router.add(Method::kPost, "/api/v1/users/resend-verification",
             [&ctx](http::Request& r) { return resend_verification(ctx, r); });
}

}  // namespace shop::user
