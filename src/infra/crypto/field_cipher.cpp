#include "shop/infra/crypto/field_cipher.hpp"

#include "big_endian.hpp"
#include "libsodium.hpp"

namespace shop::infra::crypto {
namespace {

constexpr char kVersion = 0x01;
constexpr std::size_t kHeaderBytes = 1 + sizeof(KeyId);
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kNonceBytes == 24 && kTagBytes == 16);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kKeyBytes);
static_assert(FieldCipher::kOverheadBytes == kHeaderBytes + kNonceBytes + kTagBytes);

std::string header_for(KeyId id) {
  std::string header(1, kVersion);
  append_big_endian(header, id);
  return header;
}

// What the AEAD authenticates besides the plaintext: our header, then the caller's string. The header
// has a fixed length, so no two (header, caller string) pairs give the same bytes.
std::string aead_associated_data(std::string_view header, std::string_view associated_data) {
  std::string out(header);
  out.append(associated_data);
  return out;
}

}  // namespace

FieldCipher::FieldCipher(const KeyRing& keys) : keys_(keys, KeyPurpose::kFieldEncryption) {
  init_sodium();
}

std::string FieldCipher::encrypt(std::string_view plaintext, std::string_view associated_data) const {
  std::string out = header_for(keys_.current_id());
  const std::string ad = aead_associated_data(out, associated_data);
  out.resize(kOverheadBytes + plaintext.size());
  unsigned char* nonce = bytes_of(out) + kHeaderBytes;
  // 24 random bytes: collisions are negligible however many values one key encrypts, which a
  // 12-byte nonce could not promise.
  randombytes_buf(nonce, kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, &written, bytes_of(plaintext),
                                             plaintext.size(), bytes_of(ad), ad.size(), nullptr, nonce,
                                             keys_.current().data());
  return out;
}

std::optional<std::string> FieldCipher::decrypt(std::string_view ciphertext,
                                                std::string_view associated_data) const {
  const auto id = key_id_of(ciphertext);
  if (!id) return std::nullopt;
  const SecretKey* key = keys_.find(*id);
  if (key == nullptr) return std::nullopt;
  const std::string ad = aead_associated_data(ciphertext.substr(0, kHeaderBytes), associated_data);
  const auto* nonce = bytes_of(ciphertext) + kHeaderBytes;
  const auto sealed = ciphertext.substr(kHeaderBytes + kNonceBytes);
  std::string plaintext(sealed.size() - kTagBytes, '\0');
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(bytes_of(plaintext), &length, nullptr, bytes_of(sealed),
                                                 sealed.size(), bytes_of(ad), ad.size(), nonce,
                                                 key->data()) != 0) {
    return std::nullopt;
  }
  plaintext.resize(static_cast<std::size_t>(length));
  return plaintext;
}

std::optional<KeyId> FieldCipher::key_id_of(std::string_view ciphertext) {
  if (ciphertext.size() < kOverheadBytes || ciphertext.front() != kVersion) return std::nullopt;
  ciphertext.remove_prefix(1);
  return take_big_endian<KeyId>(ciphertext);
}

}  // namespace shop::infra::crypto
