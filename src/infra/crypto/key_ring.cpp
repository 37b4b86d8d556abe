#include "shop/infra/crypto/key_ring.hpp"

#include "shop/infra/crypto/base64.hpp"

#include "libsodium.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>

namespace shop::infra::crypto {
namespace {

static_assert(crypto_kdf_KEYBYTES == kKeyBytes);
static_assert(crypto_kdf_BYTES_MIN <= kKeyBytes && kKeyBytes <= crypto_kdf_BYTES_MAX);
static_assert(crypto_kdf_CONTEXTBYTES == 8);

// The context alone separates purposes; the subkey id is fixed and would only matter if one purpose
// ever needed several keys.
constexpr std::uint64_t kSubkeyId = 1;

const char* context_of(KeyPurpose purpose) {
  switch (purpose) {
    case KeyPurpose::kFieldEncryption:
      return "fieldenc";
    case KeyPurpose::kBlindIndex:
      return "blindidx";
    case KeyPurpose::kTokenSignature:
      return "tokensig";
  }
  throw std::invalid_argument("unknown key purpose");
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

std::optional<KeyId> parse_id(std::string_view text) {
  KeyId id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return id;
}

// Messages name the entry by position and, once parsed, its id; never any text that might be a key.
[[noreturn]] void reject(std::size_t entry, std::string_view problem) {
  throw std::invalid_argument(fmt::format("key ring entry {}: {}", entry, problem));
}

}  // namespace

KeyRing::KeyRing(std::map<KeyId, SecretKey> keys, KeyId current) : keys_(std::move(keys)), current_(current) {
  init_sodium();
  if (keys_.empty()) throw std::invalid_argument("key ring has no keys");
  if (!keys_.contains(current_)) {
    throw std::invalid_argument(fmt::format("key ring: current key {} is not in the ring", current_));
  }
}

KeyRing KeyRing::parse(std::string_view text) {
  std::map<KeyId, SecretKey> keys;
  std::optional<KeyId> explicit_current;
  std::optional<KeyId> last;
  std::size_t entry_no = 0;
  while (!text.empty()) {
    const auto separator = text.find_first_of(",\n");
    const auto entry = trim(text.substr(0, separator));
    text = separator == std::string_view::npos ? std::string_view{} : text.substr(separator + 1);
    if (entry.empty()) continue;  // a trailing comma or a blank line
    ++entry_no;

    constexpr std::string_view kCurrent = "current";
    if (const auto after = trim(entry.substr(std::min(entry.size(), kCurrent.size())));
        entry.starts_with(kCurrent) && after.starts_with('=')) {
      if (explicit_current) reject(entry_no, "current= is given more than once");
      explicit_current = parse_id(trim(after.substr(1)));
      if (!explicit_current) reject(entry_no, "current= must name a key id (a decimal integer)");
      continue;
    }

    const auto colon = entry.find(':');
    if (colon == std::string_view::npos) reject(entry_no, "expected <id>:<base64 key>");
    const auto id = parse_id(trim(entry.substr(0, colon)));
    if (!id) reject(entry_no, "key id must be a decimal integer from 0 to 4294967295");
    if (keys.contains(*id)) reject(entry_no, fmt::format("key id {} appears more than once", *id));
    auto decoded = decode_base64(trim(entry.substr(colon + 1)));
    if (!decoded)
      reject(entry_no, fmt::format("key {} is not valid base64 (standard alphabet, padded)", *id));
    const auto length = decoded->size();
    if (length != kKeyBytes) {
      wipe(*decoded);
      reject(entry_no, fmt::format("key {} is {} bytes; keys must be {} bytes", *id, length, kKeyBytes));
    }
    SecretKey key;
    std::memcpy(key.data(), decoded->data(), kKeyBytes);
    wipe(*decoded);
    keys.emplace(*id, key);
    last = *id;
  }
  if (keys.empty()) throw std::invalid_argument("key ring has no keys");
  const KeyId current = explicit_current.value_or(*last);
  if (!keys.contains(current)) {
    throw std::invalid_argument(fmt::format("key ring: current={} names no key in the ring", current));
  }
  return {std::move(keys), current};
}

KeyRing KeyRing::generate(KeyId id) {
  std::map<KeyId, SecretKey> keys;
  keys.emplace(id, SecretKey::random());
  return {std::move(keys), id};
}

std::string KeyRing::to_text() const {
  std::string out;
  for (const auto& [id, key] : keys_) {
    if (!out.empty()) out += ',';
    out += fmt::format("{}:", id);
    std::string encoded = encode_base64({reinterpret_cast<const char*>(key.data()), key.size()});
    out += encoded;
    wipe(encoded);
  }
  if (current_ != keys_.rbegin()->first) out += fmt::format(",current={}", current_);
  return out;
}

KeyRing KeyRing::rotated() const {
  const KeyId highest = keys_.rbegin()->first;
  if (highest == std::numeric_limits<KeyId>::max()) {
    throw std::invalid_argument("key ring: no key id is left above the highest");
  }
  auto keys = keys_;
  keys.emplace(highest + 1, SecretKey::random());
  return {std::move(keys), highest + 1};
}

std::vector<KeyId> KeyRing::ids() const {
  std::vector<KeyId> out;
  out.reserve(keys_.size());
  for (const auto& entry : keys_) out.push_back(entry.first);
  return out;
}

SecretKey KeyRing::derive(KeyId id, KeyPurpose purpose) const {
  const auto it = keys_.find(id);
  if (it == keys_.end()) throw std::out_of_range(fmt::format("key ring has no key {}", id));
  SecretKey subkey;
  crypto_kdf_derive_from_key(subkey.data(), subkey.size(), kSubkeyId, context_of(purpose), it->second.data());
  return subkey;
}

DerivedKeys::DerivedKeys(const KeyRing& ring, KeyPurpose purpose) : current_(ring.current_id()) {
  for (const KeyId id : ring.ids()) keys_.emplace(id, ring.derive(id, purpose));
}

const SecretKey* DerivedKeys::find(KeyId id) const {
  const auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

std::vector<KeyId> DerivedKeys::ids() const {
  std::vector<KeyId> out{current_};
  for (const auto& entry : keys_) {
    if (entry.first != current_) out.push_back(entry.first);
  }
  return out;
}

}  // namespace shop::infra::crypto
