#include "shop/infra/crypto/blind_index.hpp"

#include "shop/infra/crypto/base64.hpp"

#include "big_endian.hpp"
#include "libsodium.hpp"

#include <cstdint>

namespace shop::infra::crypto {
namespace {

static_assert(crypto_generichash_KEYBYTES_MIN <= kKeyBytes && kKeyBytes <= crypto_generichash_KEYBYTES_MAX);
static_assert(crypto_generichash_BYTES_MIN <= BlindIndex::kBytes &&
              BlindIndex::kBytes <= crypto_generichash_BYTES_MAX);

// BLAKE2b keyed over: length of the domain (u64) | domain | value. The length makes the split
// between domain and value unambiguous ("email" + "x" never hashes like "emai" + "lx").
std::string digest(const SecretKey& key, std::string_view domain, std::string_view value) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.data(), key.size(), BlindIndex::kBytes);
  std::string length;
  append_big_endian(length, static_cast<std::uint64_t>(domain.size()));
  crypto_generichash_update(&state, bytes_of(length), length.size());
  crypto_generichash_update(&state, bytes_of(domain), domain.size());
  crypto_generichash_update(&state, bytes_of(value), value.size());
  std::string out(BlindIndex::kBytes, '\0');
  crypto_generichash_final(&state, bytes_of(out), out.size());
  sodium_memzero(&state, sizeof state);  // it holds the key
  return out;
}

}  // namespace

BlindIndex::BlindIndex(const KeyRing& keys) : keys_(keys, KeyPurpose::kBlindIndex) {
  init_sodium();
}

std::string BlindIndex::compute(std::string_view domain, std::string_view normalized_value) const {
  return digest(keys_.current(), domain, normalized_value);
}

std::string BlindIndex::compute_hex(std::string_view domain, std::string_view normalized_value) const {
  return encode_hex(compute(domain, normalized_value));
}

std::vector<std::string> BlindIndex::compute_all(std::string_view domain,
                                                 std::string_view normalized_value) const {
  std::vector<std::string> out;
  for (const KeyId id : keys_.ids()) out.push_back(digest(*keys_.find(id), domain, normalized_value));
  return out;
}

}  // namespace shop::infra::crypto
