#include "access_check.hpp"

#include "shop/infra/http/problem.hpp"

#include <algorithm>

namespace shop::infra::http {
namespace {

// The token of "Authorization: Bearer <token>" (scheme case-insensitive, RFC 7235), if that is the form.
std::optional<std::string> bearer_token(const Request& request) {
  const auto header = request.header("Authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (!header || header->size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>((*header)[i])) != kScheme[i]) return std::nullopt;
  }
  std::string_view token = header->substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty() || token.find(' ') != std::string_view::npos) return std::nullopt;
  return std::string(token);
}

Problem unauthorized(bool token_presented) {
  return Problem(401, "unauthorized", "Unauthorized",
                 token_presented ? "The access token is invalid, expired or revoked."
                                 : "A bearer access token is required.")
      .header("WWW-Authenticate", token_presented ? R"(Bearer error="invalid_token")" : "Bearer");
}

}  // namespace

boost::asio::awaitable<void> check_access(const Authenticator& authenticator, const Access& access,
                                          Request& request) {
  // A route that identifies its caller when it can is public without a token, checked with one.
  if (!access.authenticated && !(access.identifies && request.header("Authorization"))) co_return;
  auto token = bearer_token(request);
  if (!token) throw unauthorized(request.header("Authorization").has_value());
  auto caller = co_await authenticator(std::move(*token));
  if (!caller) throw unauthorized(true);
  const auto& allowed = access.allowed_roles;
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), caller->role) == allowed.end()) {
    throw Problem(403, "forbidden", "Forbidden", "Your role does not allow this.");
  }
  request.caller = std::move(caller);
}

}  // namespace shop::infra::http
