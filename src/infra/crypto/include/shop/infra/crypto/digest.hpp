#pragma once

#include <string>
#include <string_view>

// Unkeyed digests and comparisons that must not leak timing.
namespace shop::infra::crypto {

// Lower-case hex SHA-256, for checksums (migrations), never for secrets.
std::string sha256_hex(std::string_view bytes);

// True if a and b are the same bytes, in time that depends only on their length: for comparing a
// presented secret (a verification code's hash) with the stored one.
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace shop::infra::crypto
