#include "shop/infra/crypto/token_signer.hpp"

#include "shop/infra/crypto/base64.hpp"

#include "big_endian.hpp"
#include "libsodium.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <stdexcept>

namespace shop::infra::crypto {
namespace {

constexpr std::string_view kPrefix = "v1.";
constexpr std::size_t kTagBytes = crypto_auth_hmacsha512256_BYTES;
static_assert(crypto_auth_hmacsha512256_KEYBYTES == kKeyBytes);
static_assert(TokenSigner::kMaxClaimBytes <= UINT16_MAX);

void append_time(std::string& out, std::chrono::sys_seconds t) {
  append_big_endian(out, static_cast<std::uint64_t>(t.time_since_epoch().count()));
}

std::optional<std::chrono::sys_seconds> take_time(std::string_view& in) {
  const auto raw = take_big_endian<std::uint64_t>(in);
  if (!raw) return std::nullopt;
  return std::chrono::sys_seconds{std::chrono::seconds{static_cast<std::int64_t>(*raw)}};
}

void append_string(std::string& out, std::string_view s) {
  append_big_endian(out, static_cast<std::uint16_t>(s.size()));
  out.append(s);
}

std::optional<std::string> take_string(std::string_view& in) {
  const auto length = take_big_endian<std::uint16_t>(in);
  if (!length || in.size() < *length) return std::nullopt;
  std::string out(in.substr(0, *length));
  in.remove_prefix(*length);
  return out;
}

// Everything after the key id, which verify has already consumed; nullopt unless it is exactly one
// well-formed set of claims with nothing after it.
std::optional<TokenClaims> parse_claims(std::string_view in) {
  const auto issued_at = take_time(in);
  const auto expires_at = take_time(in);
  if (!issued_at || !expires_at) return std::nullopt;
  auto subject = take_string(in);
  if (!subject) return std::nullopt;
  auto session_id = take_string(in);
  if (!session_id) return std::nullopt;
  auto role = take_string(in);
  if (!role || !in.empty()) return std::nullopt;
  return TokenClaims{std::move(*subject), std::move(*session_id), std::move(*role), *issued_at, *expires_at};
}

}  // namespace

struct TokenSigner::MacStates {
  std::map<KeyId, crypto_auth_hmacsha512256_state> by_id;

  explicit MacStates(const DerivedKeys& keys) {
    for (const KeyId id : keys.ids()) {
      crypto_auth_hmacsha512256_init(&by_id[id], keys.find(id)->data(), kKeyBytes);
    }
  }
  ~MacStates() {
    for (auto& entry : by_id) sodium_memzero(&entry.second, sizeof entry.second);
  }
  MacStates(const MacStates&) = delete;
  MacStates& operator=(const MacStates&) = delete;

  // The tag of `text` under key `id`, which the caller knows is in the ring.
  std::array<unsigned char, kTagBytes> tag(KeyId id, std::string_view text) const {
    crypto_auth_hmacsha512256_state state = by_id.at(id);
    crypto_auth_hmacsha512256_update(&state, bytes_of(text), text.size());
    std::array<unsigned char, kTagBytes> out{};
    crypto_auth_hmacsha512256_final(&state, out.data());
    sodium_memzero(&state, sizeof state);
    return out;
  }
};

TokenSigner::TokenSigner(const KeyRing& keys) : keys_(keys, KeyPurpose::kTokenSignature) {
  init_sodium();
  macs_ = std::make_shared<const MacStates>(keys_);
}

std::string TokenSigner::sign(const TokenClaims& claims) const {
  for (const std::string* s : {&claims.subject, &claims.session_id, &claims.role}) {
    if (s->size() > kMaxClaimBytes) throw std::invalid_argument("token claim longer than kMaxClaimBytes");
  }
  if (claims.expires_at <= claims.issued_at) {
    throw std::invalid_argument("token would expire no later than it is issued");
  }
  std::string payload;
  append_big_endian(payload, keys_.current_id());
  append_time(payload, claims.issued_at);
  append_time(payload, claims.expires_at);
  append_string(payload, claims.subject);
  append_string(payload, claims.session_id);
  append_string(payload, claims.role);

  std::string token = std::string(kPrefix) + encode_base64url(payload);
  const auto tag = macs_->tag(keys_.current_id(), token);
  token += '.';
  token += encode_base64url({reinterpret_cast<const char*>(tag.data()), tag.size()});
  return token;
}

std::optional<TokenClaims> TokenSigner::verify(std::string_view token, std::chrono::sys_seconds now) const {
  if (token.size() > kMaxTokenLength || !token.starts_with(kPrefix)) return std::nullopt;
  const auto last_dot = token.rfind('.');
  if (last_dot < kPrefix.size()) return std::nullopt;  // only the prefix's dot: no tag at all
  const auto signed_text = token.substr(0, last_dot);
  const auto tag = decode_base64url(token.substr(last_dot + 1));
  if (!tag || tag->size() != kTagBytes) return std::nullopt;
  const auto payload = decode_base64url(signed_text.substr(kPrefix.size()));
  if (!payload) return std::nullopt;

  // The key id is the only thing read before the tag is checked.
  std::string_view rest = *payload;
  const auto id = take_big_endian<KeyId>(rest);
  if (!id) return std::nullopt;
  if (keys_.find(*id) == nullptr) return std::nullopt;
  // Constant time: how much of a forged tag was right does not show in the timing.
  const auto expected = macs_->tag(*id, signed_text);
  static_assert(kTagBytes == 32);
  if (crypto_verify_32(expected.data(), bytes_of(*tag)) != 0) return std::nullopt;

  auto claims = parse_claims(rest);
  if (!claims || now >= claims->expires_at) return std::nullopt;
  return claims;
}

}  // namespace shop::infra::crypto
