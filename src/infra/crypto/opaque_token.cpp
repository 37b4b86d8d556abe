#include "shop/infra/crypto/opaque_token.hpp"

#include "shop/infra/crypto/base64.hpp"

#include "libsodium.hpp"

namespace shop::infra::crypto {

std::string generate_opaque_token() {
  init_sodium();
  std::string bytes(kOpaqueTokenBytes, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  std::string token = encode_base64url(bytes);
  wipe(bytes);
  return token;
}

std::string hash_for_storage(std::string_view token) {
  init_sodium();
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(bytes_of(digest), bytes_of(token), token.size());
  return encode_hex(digest);
}

}  // namespace shop::infra::crypto
