#include "addresses.hpp"
#include "routes.hpp"
#include "validation.hpp"

#include "shop/infra/http/json_input.hpp"
#include "shop/infra/http/problems.hpp"

#include <fmt/format.h>

namespace shop::user {
namespace {

namespace http = infra::http;

http::Problem to_problem(AddressRefused refused) {
  switch (refused) {
    case AddressRefused::kLimitReached:
      return http::conflict("address_limit", "Too many addresses",
                            fmt::format("At most {} addresses; delete one first.", kMaxAddresses));
    case AddressRefused::kNotFound:
      return http::not_found("You have no such address.");
  }
  throw std::logic_error("unknown AddressRefused reason");
}

// The fields of a POST (all required but line2 and is_default) or a PATCH (all optional).
AddressFields read_address(const http::Request& req, Presence presence) {
  http::JsonInput in(req);
  auto& r = in.root();
  AddressFields a{.recipient = r.text("recipient", recipient_rule(presence)),
                  .phone = r.text("phone", phone_rule(presence)),
                  .zip_code = r.text("zip_code", zip_code_rule(presence)),
                  .line1 = r.text("line1", address_line_rule(presence)),
                  .line2 = r.text("line2", address_line_rule(Presence::kOptional, 0)),
                  .is_default = r.boolean("is_default", Presence::kOptional)};
  in.finish();
  return a;
}

template <class T>
T or_problem(infra::domain::Outcome<T, AddressRefused> outcome) {
  if (!outcome) throw to_problem(outcome.error());
  return std::move(outcome).value();
}

boost::asio::awaitable<http::Response> list_route(UserContext& ctx, http::Request& req) {
  boost::json::array items;
  for (const auto& a : co_await list_addresses(ctx, req.caller->id)) items.push_back(to_json(a));
  co_return http::json_response(200, {{"items", items}});
}

boost::asio::awaitable<http::Response> add_route(UserContext& ctx, http::Request& req) {
  const auto fields = read_address(req, Presence::kRequired);
  const auto added = or_problem(co_await add_address(ctx, req.caller->id, fields));
  co_return http::json_response(201, to_json(added));
}

boost::asio::awaitable<http::Response> change_route(UserContext& ctx, http::Request& req) {
  const auto fields = read_address(req, Presence::kOptional);
  const auto changed =
      or_problem(co_await change_address(ctx, req.caller->id, std::string(req.param("id")), fields));
  co_return http::json_response(200, to_json(changed));
}

boost::asio::awaitable<http::Response> delete_route(UserContext& ctx, http::Request& req) {
  or_problem(co_await remove_address(ctx, req.caller->id, std::string(req.param("id"))));
  co_return http::no_content();
}

}  // namespace

void register_address_routes(http::Router& router, UserContext& ctx) {
  using http::Method;
  const auto signed_in = http::Access::signed_in();
  router.add(
      Method::kGet, "/api/v1/me/addresses", [&ctx](http::Request& r) { return list_route(ctx, r); },
      signed_in);
  router.add(
      Method::kPost, "/api/v1/me/addresses", [&ctx](http::Request& r) { return add_route(ctx, r); },
      signed_in);
  router.add(
      Method::kPatch, "/api/v1/me/addresses/{id}", [&ctx](http::Request& r) { return change_route(ctx, r); },
      signed_in);
  router.add(
      Method::kDelete, "/api/v1/me/addresses/{id}", [&ctx](http::Request& r) { return delete_route(ctx, r); },
      signed_in);
}

}  // namespace shop::user
