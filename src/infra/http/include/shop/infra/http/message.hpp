#pragma once

#include <boost/json/value.hpp>

#include <any>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The HTTP types modules see. Beast stays inside the server; handlers are plain functions of these,
// testable without sockets.
namespace shop::infra::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view method_name(Method method);
Method parse_method(std::string_view name);

using Headers = std::vector<std::pair<std::string, std::string>>;

// Who sent an authenticated request, as the authenticator (the user module) vouches.
struct Caller {
  std::string id;  // user id
  std::string role;
  std::string session_id;
  // Whatever else the authenticator read with the session, for the handlers of its own module:
  // the user module carries the account's row, so GET /me costs no second round trip.
  std::any account = {};
};

struct Request {
  Method method = Method::kGet;
  std::string target;                                      // as sent: path and query
  std::string path;                                        // percent-decoded path
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  std::string body;
  std::string request_id;
  std::string remote_address;  // the socket peer, "192.0.2.1:50312" or "[2001:db8::1]:50312"
  // The client, without a port: the peer, or who it forwards for if it is a trusted proxy
  // (client_address.hpp). Per-address limits count rate_limit_subject(client_address).
  std::string client_address;
  // Filled by the router.
  std::string route;  // the matched pattern, e.g. "/api/v1/products/{id}"
  std::vector<std::pair<std::string, std::string>> params;
  // Filled by the access check of a route that is not open to anyone.
  std::optional<Caller> caller;

  std::optional<std::string_view> header(std::string_view name) const;  // case-insensitive
  std::optional<std::string_view> query_param(std::string_view name) const;
  std::string_view param(std::string_view name) const;  // a path parameter the route declares
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  Headers headers;

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

Response json_response(unsigned status, const boost::json::value& body);
Response text_response(unsigned status, std::string content_type, std::string body);
Response no_content();

// Splits "a/b?x=1&y=%20" into the decoded path and query pairs; false if the encoding is invalid.
bool parse_target(std::string_view target, std::string& path,
                  std::vector<std::pair<std::string, std::string>>& query);

}  // namespace shop::infra::http
