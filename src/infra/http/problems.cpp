#include "shop/infra/http/problems.hpp"

#include <algorithm>

namespace shop::infra::http {
namespace {

std::string seconds_text(std::chrono::seconds s) {
  return std::to_string(std::max<long long>(1, s.count()));
}

}  // namespace

Problem validation_failed(domain::FieldErrors errors) {
  return Problem(400, "validation_failed", "Invalid request", "Some fields are missing or invalid.",
                 std::move(errors));
}

Problem validation_failed(std::string field, std::string message) {
  return validation_failed(domain::FieldErrors{{std::move(field), std::move(message)}});
}

Problem invalid_credentials(std::string detail) {
  return Problem(401, "invalid_credentials", "Invalid credentials", std::move(detail));
}

Problem unauthorized(std::string detail) {
  return Problem(401, "unauthorized", "Unauthorized", std::move(detail)).header("WWW-Authenticate", "Bearer");
}

Problem forbidden(std::string detail) {
  return Problem(403, "forbidden", "Forbidden", std::move(detail));
}

Problem not_found(std::string detail, std::string code) {
  return Problem(404, std::move(code), "Not found", std::move(detail));
}

Problem conflict(std::string code, std::string title, std::string detail) {
  return Problem(409, std::move(code), std::move(title), std::move(detail));
}

Problem too_many_requests(std::string code, std::chrono::seconds retry_after, std::string detail) {
  return Problem(429, std::move(code), "Too many requests", std::move(detail))
      .header("Retry-After", seconds_text(retry_after));
}

Problem service_unavailable(std::string code, std::chrono::seconds retry_after, std::string detail) {
  return Problem(503, std::move(code), "Service unavailable", std::move(detail))
      .header("Retry-After", seconds_text(retry_after));
}

}  // namespace shop::infra::http
