#include "profile.hpp"
#include "routes.hpp"
#include "validation.hpp"

#include "shop/infra/http/json_input.hpp"

namespace shop::user {
namespace {

namespace http = infra::http;
using infra::db::Tx;

constexpr const char* kSetRole =
    "UPDATE users.accounts SET role = :role, updated_at = now() WHERE id = CAST(:id AS uuid) AND status <> "
    "'withdrawn'"
    " RETURNING username, status, " SHOP_USER_SQL_RFC3339("created_at");

boost::asio::awaitable<http::Response> set_role(UserContext& ctx, http::Request& req) {
  http::JsonInput in(req);
  auto role = in.root().text("role", {.min = 1,
                                      .max = 16,
                                      .check = [](std::string_view r) { return parse_role(r).has_value(); },
                                      .check_message = "must be customer, seller or admin"});
  in.finish();
  const std::string id(req.param("id"));
  if (!is_uuid(id)) throw http::Problem(404, "not_found", "Not found", "There is no such user.");
  auto update = [&](Tx& tx) -> std::optional<boost::json::object> {
    std::string username, status, created_at;
    tx.sql() << kSetRole, soci::use(*role), soci::use(id), soci::into(username), soci::into(status),
        soci::into(created_at);
    if (!tx.sql().got_data()) return std::nullopt;
    return boost::json::object{
        {"id", id}, {"username", username}, {"role", *role}, {"status", status}, {"created_at", created_at}};
  };
  const auto user = co_await ctx.db.transact(update);
  if (!user) throw http::Problem(404, "not_found", "Not found", "There is no such user.");
  co_return http::json_response(200, *user);
}

}  // namespace

void register_admin_routes(http::Router& router, UserContext& ctx) {
  router.add(
      http::Method::kPut, "/api/v1/admin/users/{id}/role",
      [&ctx](http::Request& r) { return set_role(ctx, r); }, http::Access::roles({"admin"}));
}

}  // namespace shop::user
