#include "roles.hpp"
#include "routes.hpp"

#include "shop/infra/http/json_input.hpp"
#include "shop/infra/http/problems.hpp"

namespace shop::user {
namespace {

namespace http = infra::http;

boost::asio::awaitable<http::Response> set_role_route(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto role = in.root().text("role", {.min = 1,
                                      .max = 16,
                                      .check = [](std::string_view r) { return parse_role(r).has_value(); },
                                      .check_message = "must be customer, seller or admin"});
  in.finish();
  const auto user = co_await set_role(ctx, std::string(req.param("id")), *parse_role(*role));
  if (!user) throw http::not_found("There is no such user.");
  co_return http::json_response(200, to_json(*user));
}

}  // namespace

void register_admin_routes(http::Router& router, UserContext& ctx) {
  router.add(
      http::Method::kPut, "/api/v1/admin/users/{id}/role",
      [&ctx](http::Request& r) { return set_role_route(ctx, r); }, http::Access::roles({"admin"}));
}

}  // namespace shop::user
