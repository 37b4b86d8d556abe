#pragma once

#include "shop/infra/http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Maps (method, path) to a handler. Patterns are literal segments and `{name}` parameters:
// "/api/v1/products/{id}/stock". A literal segment wins over a parameter in the same place.
namespace shop::infra::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

// Who may call a route. The server checks it before the handler runs, so authorization is declared
// once per route and never re-written in handlers:
//   router.add(Method::kPut, "/api/v1/admin/users/{id}/role", handler, Access::roles({"admin"}));
// A route that needs a caller answers 401 (with WWW-Authenticate: Bearer) without a valid bearer
// token and 403 when the caller's role is not listed.
// A public route that answers its caller more (a product's owner sees its stock in full) is
// Access::anyone_or_signed_in(): without a token it runs anonymously, with one the token must be
// valid (401 otherwise) and sets the caller.
struct Access {
  bool authenticated = false;
  std::vector<std::string> allowed_roles;  // empty: any authenticated caller
  bool identifies = false;                 // not authenticated, but a bearer token names the caller

  static Access anyone() { return {}; }
  static Access anyone_or_signed_in() { return {false, {}, true}; }
  static Access signed_in() { return {true, {}}; }
  static Access roles(std::vector<std::string> allowed) { return {true, std::move(allowed)}; }
};

// Resolves a bearer token to its caller; nullopt for a token that is not, or no longer, valid. The
// Server is built with one (the user module's) and checks every route's Access through it.
using Authenticator = std::function<boost::asio::awaitable<std::optional<Caller>>(std::string token)>;

struct RouteInfo {
  Method method;
  std::string pattern;
  Access access;
};

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Throws std::logic_error for a malformed pattern or a (method, pattern) registered twice.
  void add(Method method, std::string pattern, Handler handler, Access access = Access::anyone());

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed } kind = Kind::kNotFound;
    const Handler* handler = nullptr;
    const Access* access = nullptr;
    std::string_view pattern;
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<Method> allowed;  // for kMethodNotAllowed
  };
  Match match(Method method, std::string_view path) const;

  std::vector<RouteInfo> routes() const;

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;  // "{id}" marks a parameter
    Handler handler;
    Access access;
  };
  // The patterns as a tree of segments, so that match() walks a path once instead of comparing it
  // with every route (router.cpp).
  struct Node;
  struct Search;
  bool search(const Node& node, Search& state, std::size_t depth) const;

  std::vector<Route> routes_;
  std::unique_ptr<Node> root_;
};

}  // namespace shop::infra::http
