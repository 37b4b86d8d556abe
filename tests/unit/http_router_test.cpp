#include "shop/infra/http/router.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using shop::infra::http::Method;
using shop::infra::http::Request;
using shop::infra::http::Response;
using shop::infra::http::Router;
using Kind = shop::infra::http::Router::Match::Kind;
using Params = std::vector<std::pair<std::string, std::string>>;

namespace {

shop::infra::http::Handler handler() {
  return [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
}

}  // namespace

TEST_CASE("Router matches literal routes and extracts path parameters", "[unit][router]") {
  Router router;
  router.add(Method::kGet, "/healthz", handler());
  router.add(Method::kGet, "/api/v1/products/{id}", handler());
  router.add(Method::kPut, "/api/v1/products/{id}/stock/{warehouse}", handler());

  const auto health = router.match(Method::kGet, "/healthz");
  CHECK(health.kind == Kind::kFound);
  CHECK(health.handler != nullptr);
  CHECK(health.pattern == "/healthz");
  CHECK(health.params.empty());

  const auto product = router.match(Method::kGet, "/api/v1/products/42");
  REQUIRE(product.kind == Kind::kFound);
  CHECK(product.pattern == "/api/v1/products/{id}");
  CHECK(product.params == Params{{"id", "42"}});

  const auto stock = router.match(Method::kPut, "/api/v1/products/7/stock/north");
  REQUIRE(stock.kind == Kind::kFound);
  CHECK(stock.params == Params{{"id", "7"}, {"warehouse", "north"}});
}

TEST_CASE("Router finds nothing for other shapes, empty parameters or relative paths", "[unit][router]") {
  Router router;
  router.add(Method::kGet, "/api/v1/products/{id}", handler());
  CHECK(router.match(Method::kGet, "/api/v1/products").kind == Kind::kNotFound);
  CHECK(router.match(Method::kGet, "/api/v1/products/").kind == Kind::kNotFound);
  CHECK(router.match(Method::kGet, "/api/v1/products/1/extra").kind == Kind::kNotFound);
  CHECK(router.match(Method::kGet, "/api/v1/orders/1").kind == Kind::kNotFound);
  CHECK(router.match(Method::kGet, "api/v1/products/1").kind == Kind::kNotFound);
  CHECK(router.match(Method::kGet, "").kind == Kind::kNotFound);
  const auto miss = router.match(Method::kGet, "/nope");
  CHECK(miss.handler == nullptr);
  CHECK(miss.allowed.empty());
}

TEST_CASE("Router prefers a literal segment over a parameter, whatever the registration order",
          "[unit][router]") {
  for (const bool literal_first : {true, false}) {
    CAPTURE(literal_first);
    Router router;
    if (literal_first) router.add(Method::kGet, "/users/me", handler());
    router.add(Method::kGet, "/users/{id}", handler());
    if (!literal_first) router.add(Method::kGet, "/users/me", handler());

    const auto me = router.match(Method::kGet, "/users/me");
    REQUIRE(me.kind == Kind::kFound);
    CHECK(me.pattern == "/users/me");
    CHECK(me.params.empty());

    const auto other = router.match(Method::kGet, "/users/17");
    REQUIRE(other.kind == Kind::kFound);
    CHECK(other.pattern == "/users/{id}");
    CHECK(other.params == Params{{"id", "17"}});
  }
}

TEST_CASE("Router compares specificity from the left", "[unit][router]") {
  for (const bool reversed : {false, true}) {
    CAPTURE(reversed);
    Router router;
    std::vector<std::string> patterns{"/{a}/{b}", "/{a}/x", "/x/{b}"};
    if (reversed) std::reverse(patterns.begin(), patterns.end());
    for (const auto& p : patterns) router.add(Method::kGet, p, handler());

    CHECK(router.match(Method::kGet, "/x/x").pattern == "/x/{b}");
    CHECK(router.match(Method::kGet, "/y/x").pattern == "/{a}/x");
    CHECK(router.match(Method::kGet, "/y/y").pattern == "/{a}/{b}");
  }
}

TEST_CASE("Router falls back to a parameter where the literal segment leads to no route", "[unit][router]") {
  Router router;
  router.add(Method::kGet, "/users/me/orders", handler());
  router.add(Method::kGet, "/users/{id}/addresses", handler());
  router.add(Method::kGet, "/users/me", handler());
  router.add(Method::kPost, "/users/{id}", handler());

  const auto deeper = router.match(Method::kGet, "/users/me/addresses");
  REQUIRE(deeper.kind == Kind::kFound);
  CHECK(deeper.pattern == "/users/{id}/addresses");
  CHECK(deeper.params == Params{{"id", "me"}});

  // The literal route has another method: the parameter's route still answers this one.
  const auto other_method = router.match(Method::kPost, "/users/me");
  REQUIRE(other_method.kind == Kind::kFound);
  CHECK(other_method.pattern == "/users/{id}");
}

TEST_CASE("Router tells 404 from 405 and lists each allowed method once", "[unit][router]") {
  Router router;
  router.add(Method::kGet, "/items/{id}", handler());
  router.add(Method::kDelete, "/items/{id}", handler());
  router.add(Method::kGet, "/items/special", handler());
  router.add(Method::kPost, "/items", handler());

  const auto wrong = router.match(Method::kPatch, "/items/5");
  CHECK(wrong.kind == Kind::kMethodNotAllowed);
  CHECK(wrong.handler == nullptr);
  CHECK(wrong.allowed == std::vector<Method>{Method::kGet, Method::kDelete});

  // Both GET routes match "/items/special": GET must still appear only once.
  const auto special = router.match(Method::kPut, "/items/special");
  CHECK(special.kind == Kind::kMethodNotAllowed);
  CHECK(special.allowed == std::vector<Method>{Method::kGet, Method::kDelete});

  const auto post_only = router.match(Method::kGet, "/items");
  CHECK(post_only.kind == Kind::kMethodNotAllowed);
  CHECK(post_only.allowed == std::vector<Method>{Method::kPost});

  CHECK(router.match(Method::kPatch, "/other").kind == Kind::kNotFound);

  const auto found = router.match(Method::kDelete, "/items/5");
  CHECK(found.kind == Kind::kFound);
  CHECK(found.pattern == "/items/{id}");
  CHECK(found.allowed.empty());
}

TEST_CASE("Router refuses duplicate and malformed patterns", "[unit][router]") {
  Router router;
  router.add(Method::kGet, "/a/{id}", handler());
  CHECK_THROWS_AS(router.add(Method::kGet, "/a/{id}", handler()), std::logic_error);
  CHECK_NOTHROW(router.add(Method::kPost, "/a/{id}", handler()));  // another method is another route

  CHECK_THROWS_AS(router.add(Method::kGet, "", handler()), std::logic_error);
  CHECK_THROWS_AS(router.add(Method::kGet, "no/leading/slash", handler()), std::logic_error);
  CHECK_THROWS_AS(router.add(Method::kGet, "/a/{}", handler()), std::logic_error);
  CHECK_THROWS_AS(router.add(Method::kGet, "/a/{id", handler()), std::logic_error);
  CHECK_THROWS_AS(router.add(Method::kGet, "/a/id}", handler()), std::logic_error);
  CHECK_THROWS_AS(router.add(Method::kGet, "/a/x{id}", handler()), std::logic_error);
  CHECK(router.routes().size() == 2);  // the refused ones were not added
}

TEST_CASE("Router lists its routes in registration order", "[unit][router]") {
  Router router;
  router.add(Method::kPost, "/b", handler());
  router.add(Method::kGet, "/a/{id}", handler());
  router.add(Method::kGet, "/a/me", handler());
  const auto routes = router.routes();
  REQUIRE(routes.size() == 3);
  CHECK(routes[0].method == Method::kPost);
  CHECK(routes[0].pattern == "/b");
  CHECK(routes[1].method == Method::kGet);
  CHECK(routes[1].pattern == "/a/{id}");
  CHECK(routes[2].pattern == "/a/me");
}

TEST_CASE("Router match returns the handler registered for the route", "[unit][router]") {
  Router router;
  router.add(Method::kGet, "/one", handler());
  router.add(Method::kGet, "/two", handler());
  const auto one = router.match(Method::kGet, "/one");
  const auto two = router.match(Method::kGet, "/two");
  REQUIRE(one.handler != nullptr);
  REQUIRE(two.handler != nullptr);
  CHECK(one.handler != two.handler);
  CHECK(*one.handler);
}
