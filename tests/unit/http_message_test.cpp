#include "shop/infra/http/message.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using shop::infra::http::Method;
using shop::infra::http::method_name;
using shop::infra::http::parse_method;
using shop::infra::http::parse_target;
using shop::infra::http::Request;
using Query = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("parse_target splits and percent-decodes path and query", "[unit][http]") {
  std::string path;
  Query query;
  REQUIRE(parse_target("/api/v1/caf%C3%A9/a%20b?name=J%C3%BCrgen&tag=x%26y&empty=", path, query));
  CHECK(path == "/api/v1/café/a b");
  CHECK(query == Query{{"name", "Jürgen"}, {"tag", "x&y"}, {"empty", ""}});

  REQUIRE(parse_target("/plain", path, query));
  CHECK(path == "/plain");
  CHECK(query.empty());
}

TEST_CASE("parse_target treats + as a space in the query only", "[unit][http]") {
  std::string path;
  Query query;
  REQUIRE(parse_target("/a+b?q=red+shoes&k+1=v%2B", path, query));
  CHECK(path == "/a+b");
  CHECK(query == Query{{"q", "red shoes"}, {"k 1", "v+"}});
}

TEST_CASE("parse_target rejects invalid percent escapes", "[unit][http]") {
  std::string path;
  Query query;
  CHECK_FALSE(parse_target("/a%zz", path, query));
  CHECK_FALSE(parse_target("/a%4", path, query));
  CHECK_FALSE(parse_target("/a%", path, query));
  CHECK_FALSE(parse_target("/a?q=%zz", path, query));
  CHECK_FALSE(parse_target("/a?q=%4", path, query));
  CHECK_FALSE(parse_target("/a?%g1=v", path, query));
  CHECK(parse_target("/a%4A%4a", path, query));  // both cases of hex digits
  CHECK(path == "/aJJ");
}

TEST_CASE("parse_target skips empty query parts and keeps repeated keys in order", "[unit][http]") {
  std::string path;
  Query query{{"stale", "entry"}};
  REQUIRE(parse_target("/s?&a=1&&b&a=2&", path, query));
  CHECK(query == Query{{"a", "1"}, {"b", ""}, {"a", "2"}});

  REQUIRE(parse_target("/s?", path, query));
  CHECK(path == "/s");
  CHECK(query.empty());
}

TEST_CASE("parse_target keeps = signs after the first in the value", "[unit][http]") {
  std::string path;
  Query query;
  REQUIRE(parse_target("/s?expr=a=b", path, query));
  CHECK(query == Query{{"expr", "a=b"}});
}

TEST_CASE("Request::header is case-insensitive and returns the first match", "[unit][http]") {
  Request request;
  request.headers = {{"Content-Type", "application/json"}, {"X-Thing", "one"}, {"x-thing", "two"}};
  CHECK(request.header("content-type") == "application/json");
  CHECK(request.header("CONTENT-TYPE") == "application/json");
  CHECK(request.header("x-THING") == "one");
  CHECK_FALSE(request.header("Content-Typ"));
  CHECK_FALSE(request.header("Content-Type-Extra"));
  CHECK_FALSE(request.header("Accept"));
}

TEST_CASE("Request::query_param returns the first value of a key, matched exactly", "[unit][http]") {
  Request request;
  request.query = {{"page", "2"}, {"tag", "a"}, {"tag", "b"}, {"empty", ""}};
  CHECK(request.query_param("page") == "2");
  CHECK(request.query_param("tag") == "a");
  CHECK(request.query_param("empty") == "");
  CHECK_FALSE(request.query_param("Page"));
  CHECK_FALSE(request.query_param("missing"));
}

TEST_CASE("Request::param returns a declared path parameter and throws for others", "[unit][http]") {
  Request request;
  request.params = {{"id", "42"}};
  CHECK(request.param("id") == "42");
  CHECK_THROWS_AS(request.param("name"), std::logic_error);
}

TEST_CASE("parse_method and method_name round-trip", "[unit][http]") {
  for (const auto method : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kPatch,
                            Method::kDelete, Method::kOptions}) {
    CAPTURE(method_name(method));
    CHECK(parse_method(method_name(method)) == method);
  }
  CHECK(method_name(Method::kGet) == "GET");
  CHECK(method_name(Method::kDelete) == "DELETE");
  CHECK(parse_method("PATCH") == Method::kPatch);
  CHECK(parse_method("get") == Method::kOther);  // methods are case-sensitive
  CHECK(parse_method("TRACE") == Method::kOther);
  CHECK(parse_method("") == Method::kOther);
  CHECK(method_name(Method::kOther) == "OTHER");
}
