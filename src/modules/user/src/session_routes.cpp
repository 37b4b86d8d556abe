#include "routes.hpp"
#include "sessions.hpp"
#include "validation.hpp"

#include "shop/infra/http/client_address.hpp"
#include "shop/infra/http/json_input.hpp"
#include "shop/infra/http/problems.hpp"

namespace shop::user {
namespace {

namespace http = infra::http;

boost::json::object to_json(const TokenPair& pair) {
  return {{"access_token", pair.access_token},
          {"token_type", "Bearer"},
          {"expires_in", pair.access_ttl.count()},
          {"refresh_token", pair.refresh_token},
          {"refresh_expires_in", pair.refresh_ttl.count()}};
}

http::Problem to_problem(const LoginRefused& refused) {
  switch (refused.reason) {
    case LoginRefused::Reason::kInvalidCredentials:
      return http::invalid_credentials("The username or password is wrong.");
    case LoginRefused::Reason::kNotVerified:
      return http::Problem(403, "email_not_verified", "E-mail not verified",
                           "Verify your e-mail address with the code we sent before logging in.");
    case LoginRefused::Reason::kTooManyAttempts:
      return http::too_many_requests("too_many_attempts", refused.retry_after,
                                     "Too many failed logins; try again later.");
  }
  throw std::logic_error("unknown LoginRefused reason");
}

boost::asio::awaitable<http::Response> login_route(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto username = in.root().text("username", login_username_rule());
  auto password = in.root().text("password", presented_password_rule());
  in.finish();
  LoginAttempt attempt{*username, *password, client_subject(req)};
  const auto pair = co_await login(ctx, std::move(attempt));
  if (!pair) throw to_problem(pair.error());
  co_return http::json_response(200, to_json(*pair));
}

boost::asio::awaitable<http::Response> refresh_route(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto token = in.root().text("refresh_token", {.min = 1, .max = 256, .kind = infra::domain::TextKind::kAny});
  in.finish();
  const auto pair = co_await refresh(ctx, *token);
  if (!pair) {
    throw http::Problem(401, "invalid_refresh_token", "Invalid refresh token",
                        "The refresh token is unknown, expired, spent or its session has ended.");
  }
  co_return http::json_response(200, to_json(*pair));
}

boost::asio::awaitable<http::Response> logout_route(UserContext& ctx, http::Request& req) {
  co_await logout(ctx, req.caller->session_id);
  co_return http::no_content();
}

}  // namespace

// The subject of the per-address limits: the client's address as the edge resolved it through
// trusted proxies, an IPv6 client by its /64.
std::string client_subject(const http::Request& req) {
  return http::rate_limit_subject(req.client_address);
}

void register_session_routes(http::Router& router, UserContext& ctx) {
  using http::Method;
  router.add(Method::kPost, "/api/v1/auth/login", [&ctx](http::Request& r) { return login_route(ctx, r); });
  router.add(Method::kPost, "/api/v1/auth/refresh",
             [&ctx](http::Request& r) { return refresh_route(ctx, r); });
  router.add(
      Method::kPost, "/api/v1/auth/logout", [&ctx](http::Request& r) { return logout_route(ctx, r); },
      http::Access::signed_in());
}

}  // namespace shop::user
