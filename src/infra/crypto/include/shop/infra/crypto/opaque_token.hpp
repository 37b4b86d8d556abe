#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Random opaque tokens (refresh tokens, reset links): 32 bytes from the CSPRNG, base64url. Only their
// hash is stored, so a leaked table cannot be replayed. An unkeyed hash is enough because the tokens
// carry 256 bits of entropy: nothing can be guessed from the hash.
namespace shop::infra::crypto {

inline constexpr std::size_t kOpaqueTokenBytes = 32;

// 43 characters of base64url.
std::string generate_opaque_token();

// SHA-256 of the token as 64 lower-case hex characters.
std::string hash_for_storage(std::string_view token);

}  // namespace shop::infra::crypto
