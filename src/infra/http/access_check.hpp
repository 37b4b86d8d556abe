#pragma once

#include "shop/infra/http/router.hpp"

#include <boost/asio/awaitable.hpp>

// Private to infra/http: the server's check of a route's Access before its handler runs.
namespace shop::infra::http {

// Sets request.caller, or throws the 401/403 Problem.
boost::asio::awaitable<void> check_access(const Authenticator& authenticator, const Access& access,
                                          Request& request);

}  // namespace shop::infra::http
