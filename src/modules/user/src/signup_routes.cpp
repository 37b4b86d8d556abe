#include "accounts.hpp"
#include "routes.hpp"
#include "validation.hpp"
#include "verification.hpp"

#include "shop/infra/http/json_input.hpp"
#include "shop/infra/http/problems.hpp"

namespace shop::user {
namespace {

namespace http = infra::http;

http::Problem to_problem(const AccountRefused& refused) {
  switch (refused.reason) {
    case AccountRefused::Reason::kInvalid:
      return http::validation_failed(refused.fields);
    case AccountRefused::Reason::kUsernameTaken:
      return http::conflict("username_taken", "Username taken", "Another account has this username.");
    case AccountRefused::Reason::kEmailTaken:
      return http::conflict("email_taken", "E-mail taken", "Another account has this e-mail address.");
    case AccountRefused::Reason::kTooManySignups:
      return http::too_many_requests("too_many_requests", refused.retry_after,
                                     "Too many signups from this address; try again later.");
  }
  throw std::logic_error("unknown AccountRefused reason");
}

http::Problem to_problem(const VerifyRefused& refused) {
  switch (refused.reason) {
    case VerifyRefused::Reason::kInvalidCode:
      return http::Problem(400, "invalid_code", "Invalid code", "The code is not the one we sent.");
    case VerifyRefused::Reason::kExpired:
      return http::Problem(410, "code_expired", "Code expired", "Ask for a new code.");
    case VerifyRefused::Reason::kCodeVoid:
      return http::too_many_requests("too_many_attempts", refused.retry_after,
                                     "Too many wrong codes: this one is void. Ask for a new code.");
    case VerifyRefused::Reason::kTooManyFailures:
      return http::too_many_requests(
          "too_many_attempts", refused.retry_after,
          "Too many wrong codes for this account; sign up again once it has expired.");
  }
  throw std::logic_error("unknown VerifyRefused reason");
}

http::Problem to_problem(const ResendRefused& refused) {
  switch (refused.reason) {
    case ResendRefused::Reason::kTooSoon:
      return http::too_many_requests("too_many_requests", refused.retry_after,
                                     "A code was sent less than a minute ago.");
    case ResendRefused::Reason::kTooManyFailures:
      return http::too_many_requests(
          "too_many_attempts", refused.retry_after,
          "Too many wrong codes for this account; sign up again once it has expired.");
  }
  throw std::logic_error("unknown ResendRefused reason");
}

boost::asio::awaitable<http::Response> signup(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto& r = in.root();
  AccountRequest account{.username = r.text("username", username_rule()).value_or(""),
                         .password = r.text("password", password_rule()).value_or(""),
                         .email = r.text("email", email_rule()),
                         .name = r.text("name", name_rule()),
                         .phone = r.text("phone", phone_rule()),
                         .client_subject = client_subject(req)};
  in.finish();  // the rules that span fields are the domain's
  const auto created = co_await create_account(ctx, account);
  if (!created) throw to_problem(created.error());
  co_return http::json_response(
      201, {{"id", *created}, {"username", account.username}, {"status", "pending_verification"}})
      .header("Location", "/api/v1/me");
}

boost::asio::awaitable<http::Response> verify(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto username = in.root().text("username", account_username_rule());
  auto code = in.root().text(
      "code",
      {.min = 6,
       .max = 6,
       .check =
           [](std::string_view c) { return c.find_first_not_of("0123456789") == std::string_view::npos; },
       .check_message = "must be 6 digits"});
  in.finish();
  const auto verified = co_await verify_email(ctx, *username, *code);
  if (!verified) throw to_problem(verified.error());
  co_return http::json_response(200, {{"status", "active"}});
}

boost::asio::awaitable<http::Response> resend(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto username = in.root().text("username", account_username_rule());
  in.finish();
  const auto sent = co_await resend_verification(ctx, *username);
  if (!sent) throw to_problem(sent.error());
  co_return http::json_response(202, {{"status", "sent"}});
}

boost::asio::awaitable<http::Response> availability(UserContext& ctx, http::Request& req) {
  const auto username = req.query_param("username");
  if (!username) throw http::validation_failed("username", "is required");
  if (auto error = infra::domain::text_error(*username, username_rule())) {
    throw http::validation_failed("username", *error);
  }
  const std::string name(*username);
  const bool available = co_await username_available(ctx, name);
  co_return http::json_response(200, {{"username", name}, {"available", available}});
}

}  // namespace

void register_signup_routes(http::Router& router, UserContext& ctx) {
  using http::Method;
  router.add(Method::kGet, "/api/v1/users/username-availability",
             [&ctx](http::Request& r) { return availability(ctx, r); });
  router.add(Method::kPost, "/api/v1/users", [&ctx](http::Request& r) { return signup(ctx, r); });
  router.add(Method::kPost, "/api/v1/users/verify-email",
             [&ctx](http::Request& r) { return verify(ctx, r); });
  router.add(Method::kPost, "/api/v1/users/resend-verification",
             [&ctx](http::Request& r) { return resend(ctx, r); });
}

}  // namespace shop::user
