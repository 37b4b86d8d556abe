#pragma once

#include "user_context.hpp"

#include "shop/infra/http/problem.hpp"
#include "shop/infra/http/router.hpp"

// The user module's HTTP routes, one function per area, all under /api/v1.
namespace shop::user {

void register_signup_routes(infra::http::Router& router, UserContext& ctx);
void register_session_routes(infra::http::Router& router, UserContext& ctx);
void register_me_routes(infra::http::Router& router, UserContext& ctx);
void register_address_routes(infra::http::Router& router, UserContext& ctx);
void register_admin_routes(infra::http::Router& router, UserContext& ctx);

// 429 with Retry-After.
infra::http::Problem too_many(std::string code, std::chrono::seconds retry_after, std::string detail);

}  // namespace shop::user
