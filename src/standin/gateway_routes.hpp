#pragma once

#include "shop/infra/http/router.hpp"
#include "shop/pg_standin/gateway_state.hpp"

#include <string>

namespace shop::pg_standin {

// The gateway's HTTP face (docs/pg-standin.md): /v1/payments/... behind HTTP Basic auth with
// `secret_key` as the user name, and /control, open to anyone, for tests to switch modes and read the
// record. `state` must outlive the router.
void register_gateway_routes(infra::http::Router& router, GatewayState& state, const std::string& secret_key);

}  // namespace shop::pg_standin
