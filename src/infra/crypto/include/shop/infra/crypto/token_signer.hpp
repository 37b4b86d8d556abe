#pragma once

#include "shop/infra/crypto/key_ring.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

// Short-lived signed access tokens:
//
//   v1.<base64url payload>.<base64url tag>
//
//   payload (big-endian): key id (u32) | issued at (i64) | expires at (i64) |
//                         subject, session id, role (each a u16 length and that many bytes)
//   tag: HMAC-SHA-512/256 (crypto_auth) over the text "v1.<base64url payload>" under the "tokensig"
//        subkey of that key id
//
// The version prefix is the whole algorithm choice: there is no header a client could set to "none".
// The key id travels in the payload so a token signed before a rotation still verifies while its key
// is in the ring; verification reads only those four bytes before checking the tag.
namespace shop::infra::crypto {

struct TokenClaims {
  std::string subject;     // user id
  std::string session_id;  // lets a session be revoked server-side
  std::string role;
  std::chrono::sys_seconds issued_at;
  std::chrono::sys_seconds expires_at;

  bool operator==(const TokenClaims&) const = default;
};

class TokenSigner {
 public:
  // Longer strings are refused when signing; no legitimate subject, session id or role is near it.
  static constexpr std::size_t kMaxClaimBytes = 1024;
  // Longer texts are refused before any decoding work.
  static constexpr std::size_t kMaxTokenLength = 8192;

  explicit TokenSigner(const KeyRing& keys);

  // Signs with the current key. Throws std::invalid_argument if a string exceeds kMaxClaimBytes or
  // the token would expire no later than it is issued.
  std::string sign(const TokenClaims& claims) const;

  // The claims if `token` is exactly as some key in the ring signed it and `now` is before it
  // expires; nullopt otherwise (altered, other prefix, missing tag, unknown key, expired, malformed).
  // `now` is a parameter so the caller's clock, and a test's, decides.
  std::optional<TokenClaims> verify(std::string_view token, std::chrono::sys_seconds now) const;

 private:
  // The HMAC state of each key with the key already absorbed, set up once: a verification copies it
  // instead of hashing the key's pads again.
  struct MacStates;

  DerivedKeys keys_;
  std::shared_ptr<const MacStates> macs_;
};

}  // namespace shop::infra::crypto
