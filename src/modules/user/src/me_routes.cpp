#include "personal_data.hpp"
#include "profile.hpp"
#include "routes.hpp"
#include "sessions.hpp"
#include "validation.hpp"

#include "shop/infra/events/outbox.hpp"
#include "shop/infra/http/json_input.hpp"
#include "shop/user/user_events.hpp"

namespace shop::user {
namespace {

namespace http = infra::http;
using infra::db::Session;
using infra::db::Tx;

constexpr const char* kPasswordHash =
    "SELECT username, password_hash FROM users.accounts WHERE id = CAST(:id AS uuid) AND status = 'active'";
constexpr const char* kUpdateName =
    "UPDATE users.accounts SET name_ct = CAST(:name AS bytea), updated_at = now() WHERE id = CAST(:id AS "
    "uuid)";
constexpr const char* kUpdatePhone =
    "UPDATE users.accounts SET phone_ct = CAST(:phone AS bytea), updated_at = now() WHERE id = CAST(:id AS "
    "uuid)";
constexpr const char* kUpdatePassword =
    "UPDATE users.accounts SET password_hash = :hash, updated_at = now() WHERE id = CAST(:id AS uuid)";
// Erasure: nothing that leads back to the person stays; the row (and its id in past orders) does.
constexpr const char* kErase =
    "UPDATE users.accounts SET username = NULL, password_hash = NULL, email_ct = NULL, email_bidx = NULL,"
    " name_ct = NULL, phone_ct = NULL, status = 'withdrawn', withdrawn_at = now(), updated_at = now()"
    " WHERE id = CAST(:id AS uuid)";
constexpr const char* kEraseAddresses = "DELETE FROM users.addresses WHERE user_id = CAST(:id AS uuid)";
constexpr const char* kEraseCodes = "DELETE FROM users.verification_codes WHERE user_id = CAST(:id AS uuid)";

http::Problem unauthenticated() {
  return http::Problem(401, "unauthorized", "Unauthorized", "The account no longer exists.")
      .header("WWW-Authenticate", "Bearer");
}

boost::asio::awaitable<http::Response> get_me(UserContext& ctx, http::Request& req) {
  const auto profile = co_await read_profile(ctx, req.caller->id);
  if (!profile) throw unauthenticated();
  co_return http::json_response(200, to_json(*profile));
}

boost::asio::awaitable<http::Response> patch_me(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto name = in.root().text("name", name_rule(http::Presence::kOptional));
  auto phone = in.root().text("phone", phone_rule(http::Presence::kOptional));
  in.finish();
  const auto id = req.caller->id;
  auto update = [&](Tx& tx) {
    if (name) {
      const auto sealed = seal(ctx.cipher, *name, "users.accounts.name", id);
      tx.sql() << kUpdateName, soci::use(sealed), soci::use(id);
    }
    if (phone) {
      const auto sealed = seal(ctx.cipher, *normalize_phone(*phone), "users.accounts.phone", id);
      tx.sql() << kUpdatePhone, soci::use(sealed), soci::use(id);
    }
    return load_profile(ctx, tx, id);
  };
  const auto profile = co_await ctx.db.transact(update);
  if (!profile) throw unauthenticated();
  co_return http::json_response(200, to_json(*profile));
}

// The caller's username and password hash; throws 401 if the account is gone.
std::pair<std::string, std::string> credentials(infra::db::Session& s, const std::string& id) {
  std::string username, hash;
  s.sql() << kPasswordHash, soci::use(id), soci::into(username), soci::into(hash);
  if (!s.sql().got_data()) throw unauthenticated();
  return {username, hash};
}

boost::asio::awaitable<http::Response> change_password(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto current = in.root().text("current_password", {.min = 1, .max = 128});
  auto next = in.root().text("new_password", password_rule());
  in.finish();
  const auto id = req.caller->id;
  auto read = [&](Session& s) { return credentials(s, id); };
  const auto [username, hash] = co_await ctx.db.autocommit(read);
  if (*next == username)
    throw http::Problem(400, "validation_failed", "Invalid request", "",
                        {{"new_password", "must not be the username"}});
  if (!co_await ctx.passwords.verify(hash, *current)) {
    throw http::Problem(401, "invalid_credentials", "Invalid credentials", "The current password is wrong.");
  }
  const auto new_hash = co_await ctx.passwords.hash(*next);
  auto store = [&](Tx& tx) {
    tx.sql() << kUpdatePassword, soci::use(new_hash), soci::use(id);
    revoke_sessions_of(tx, id, req.caller->session_id);
  };
  co_await ctx.db.transact(store);
  co_return http::no_content();
}

boost::asio::awaitable<http::Response> withdraw(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto password = in.root().text("password", {.min = 1, .max = 128});
  in.finish();
  const auto id = req.caller->id;
  auto read = [&](Session& s) { return credentials(s, id); };
  const auto [username, hash] = co_await ctx.db.autocommit(read);
  if (!co_await ctx.passwords.verify(hash, *password)) {
    throw http::Problem(401, "invalid_credentials", "Invalid credentials", "The password is wrong.");
  }
  // Orders in progress (paid, shipping, awaiting a return) will refuse this with 409
  // orders_in_progress once the order module exists; until then a user has none.
  auto erase = [&](Tx& tx) {
    tx.sql() << kErase, soci::use(id);
    tx.sql() << kEraseAddresses, soci::use(id);
    tx.sql() << kEraseCodes, soci::use(id);
    revoke_sessions_of(tx, id);
    infra::events::publish(tx, UserWithdrawn{id});
  };
  co_await ctx.db.transact(erase);
  co_return http::no_content();
}

}  // namespace

void register_me_routes(http::Router& router, UserContext& ctx) {
  using http::Method;
  const auto signed_in = http::Access::signed_in();
  router.add(
      Method::kGet, "/api/v1/me", [&ctx](http::Request& r) { return get_me(ctx, r); }, signed_in);
  router.add(
      Method::kPatch, "/api/v1/me", [&ctx](http::Request& r) { return patch_me(ctx, r); }, signed_in);
  router.add(
      Method::kPut, "/api/v1/me/password", [&ctx](http::Request& r) { return change_password(ctx, r); },
      signed_in);
  router.add(
      Method::kDelete, "/api/v1/me", [&ctx](http::Request& r) { return withdraw(ctx, r); }, signed_in);
}

}  // namespace shop::user
