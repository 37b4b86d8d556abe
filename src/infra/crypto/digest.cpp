#include "shop/infra/crypto/digest.hpp"

#include "shop/infra/crypto/base64.hpp"

#include "libsodium.hpp"

namespace shop::infra::crypto {

std::string sha256_hex(std::string_view bytes) {
  init_sodium();
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(bytes_of(digest), bytes_of(bytes), bytes.size());
  return encode_hex(digest);
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace shop::infra::crypto
