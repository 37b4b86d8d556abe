#pragma once

#include "shop/infra/http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

// Maps (method, path) to a handler. Patterns are literal segments and `{name}` parameters:
// "/api/v1/products/{id}/stock". A literal segment wins over a parameter in the same place.
namespace shop::infra::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct RouteInfo {
  Method method;
  std::string pattern;
};

class Router {
 public:
  // Throws std::logic_error for a malformed pattern or a (method, pattern) registered twice.
  void add(Method method, std::string pattern, Handler handler);

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed } kind = Kind::kNotFound;
    const Handler* handler = nullptr;
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
  };
  std::vector<Route> routes_;
};

}  // namespace shop::infra::http
