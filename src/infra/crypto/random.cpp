#include "shop/infra/crypto/random.hpp"

#include "shop/infra/crypto/base64.hpp"

#include "libsodium.hpp"

namespace shop::infra::crypto {

std::string random_digits(std::size_t count) {
  init_sodium();
  std::string out(count, '0');
  for (char& c : out) c = static_cast<char>('0' + randombytes_uniform(10));
  return out;
}

std::string random_uuid() {
  init_sodium();
  std::string bytes(16, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  bytes[6] = static_cast<char>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  const std::string hex = encode_hex(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

}  // namespace shop::infra::crypto
