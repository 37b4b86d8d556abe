#pragma once

#include "shop/infra/domain/field_error.hpp"
#include "shop/infra/http/problem.hpp"

#include <chrono>
#include <string>

// The problems every module answers, built in one place so that their status, code and title are
// the same everywhere. A module's own codes (insufficient_stock, ...) use conflict() and friends.
namespace shop::infra::http {

// 400 validation_failed listing every bad field.
Problem validation_failed(domain::FieldErrors errors);
Problem validation_failed(std::string field, std::string message);
// 401 invalid_credentials: a password (or a username with it) is wrong.
Problem invalid_credentials(std::string detail);
// 401 unauthorized with WWW-Authenticate: Bearer: the caller's account or session is gone.
Problem unauthorized(std::string detail);
// 403 forbidden.
Problem forbidden(std::string detail);
// 404 not_found, or a more specific code such as address_not_found.
Problem not_found(std::string detail, std::string code = "not_found");
// 409 with the module's code: the request clashes with the resource's state.
Problem conflict(std::string code, std::string title, std::string detail);
// 429 with Retry-After (whole seconds, at least 1).
Problem too_many_requests(std::string code, std::chrono::seconds retry_after, std::string detail);
// 503 with Retry-After: a dependency is down; the client may retry.
Problem service_unavailable(std::string code, std::chrono::seconds retry_after, std::string detail);

}  // namespace shop::infra::http
