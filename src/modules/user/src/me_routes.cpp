#include "profile.hpp"
#include "routes.hpp"
#include "validation.hpp"

#include "shop/infra/http/json_input.hpp"
#include "shop/infra/http/problems.hpp"

namespace shop::user {
namespace {

namespace http = infra::http;

http::Problem account_gone() {
  return http::unauthorized("The account no longer exists.");
}

http::Problem to_problem(const PasswordRefused& refused, std::string_view wrong_detail) {
  switch (refused.reason) {
    case PasswordRefused::Reason::kGone:
      return account_gone();
    case PasswordRefused::Reason::kWrongPassword:
      return http::invalid_credentials(std::string(wrong_detail));
    case PasswordRefused::Reason::kTooManyAttempts:
      return http::too_many_requests("too_many_attempts", refused.retry_after,
                                     "Too many wrong passwords; try again later.");
    case PasswordRefused::Reason::kSameAsUsername:
      return http::validation_failed("new_password", "must not be the username");
    case PasswordRefused::Reason::kOrdersInProgress:
      return http::conflict("orders_in_progress", "Orders in progress",
                            "Orders that are paid, shipping or awaiting a return must finish first.");
  }
  throw std::logic_error("unknown PasswordRefused reason");
}

boost::asio::awaitable<http::Response> get_me(UserContext& ctx, http::Request& req) {
  // The authenticator read the account with the session: no second round trip.
  if (const auto* account = std::any_cast<StoredAccount>(&req.caller->account)) {
    co_return http::json_response(200, to_json(open_profile(ctx, *account)));
  }
  auto read = [&](infra::db::Tx& tx) { return load_profile(ctx, tx, req.caller->id); };
  const auto profile = co_await ctx.db.transact(read);
  if (!profile) throw account_gone();
  co_return http::json_response(200, to_json(*profile));
}

boost::asio::awaitable<http::Response> patch_me(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  ProfileChange change{.name = in.root().text("name", name_rule(Presence::kOptional)),
                       .phone = in.root().text("phone", phone_rule(Presence::kOptional))};
  in.finish();
  const auto profile = co_await change_profile(ctx, req.caller->id, change);
  if (!profile) throw account_gone();
  co_return http::json_response(200, to_json(*profile));
}

boost::asio::awaitable<http::Response> put_password(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto current = in.root().text("current_password", presented_password_rule());
  auto next = in.root().text("new_password", password_rule());
  in.finish();
  PasswordChange change{req.caller->id, req.caller->session_id, *current, *next};
  const auto changed = co_await change_password(ctx, std::move(change));
  if (!changed) throw to_problem(changed.error(), "The current password is wrong.");
  co_return http::no_content();
}

boost::asio::awaitable<http::Response> delete_me(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto password = in.root().text("password", presented_password_rule());
  in.finish();
  const auto done = co_await withdraw(ctx, req.caller->id, *password);
  if (!done) throw to_problem(done.error(), "The password is wrong.");
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
      Method::kPut, "/api/v1/me/password", [&ctx](http::Request& r) { return put_password(ctx, r); },
      signed_in);
  router.add(
      Method::kDelete, "/api/v1/me", [&ctx](http::Request& r) { return delete_me(ctx, r); }, signed_in);
}

}  // namespace shop::user
