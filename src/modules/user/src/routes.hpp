#pragma once

#include "user_context.hpp"

#include "shop/infra/http/message.hpp"
#include "shop/infra/http/router.hpp"

#include <string>

// The user module's HTTP routes, one function per area, all under /api/v1. Route files parse the
// request, call the domain, and map its outcome to a response or a problem document.
namespace shop::user {

void register_signup_routes(infra::http::Router& router, UserContext& ctx);
void register_session_routes(infra::http::Router& router, UserContext& ctx);
void register_me_routes(infra::http::Router& router, UserContext& ctx);
void register_address_routes(infra::http::Router& router, UserContext& ctx);
void register_admin_routes(infra::http::Router& router, UserContext& ctx);

// What per-address limits count a request against: its client's address.
std::string client_subject(const infra::http::Request& req);

}  // namespace shop::user
