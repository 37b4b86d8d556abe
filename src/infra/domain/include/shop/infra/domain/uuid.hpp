#pragma once

#include <string_view>

namespace shop::infra::domain {

// True for the text form of a UUID ("123e4567-e89b-12d3-a456-426614174000", either case). Ids from
// paths, query strings and other modules are checked with it before they reach SQL, so a malformed
// one is simply not found instead of a database error.
bool is_uuid(std::string_view text);

}  // namespace shop::infra::domain
