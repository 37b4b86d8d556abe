#include "shop/infra/crypto/password_hasher.hpp"

#include "libsodium.hpp"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

namespace shop::infra::crypto {
namespace {

using boost::asio::awaitable;

// libsodium reads PHC strings as C strings of fewer than crypto_pwhash_STRBYTES characters; a stored
// value is copied into such a buffer so it can never read past the end of what we hold.
using PhcBuffer = char[crypto_pwhash_STRBYTES];

bool copy_phc(const std::string& hash, PhcBuffer& out) {
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.find('\0') != std::string::npos) return false;
  std::memset(out, 0, sizeof out);
  std::memcpy(out, hash.data(), hash.size());
  return true;
}

// Wipes a password copy when the coroutine holding it finishes, by return or by exception.
class WipeOnExit {
 public:
  explicit WipeOnExit(std::string& s) : s_(s) {}
  ~WipeOnExit() { wipe(s_); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  std::string& s_;
};

PasswordCost within_argon2id_limits(PasswordCost cost) {
  if (cost.ops_limit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      cost.ops_limit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
      cost.mem_limit_bytes < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      cost.mem_limit_bytes > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    throw std::invalid_argument(fmt::format("password cost t={} m={} bytes is outside what Argon2id accepts",
                                            cost.ops_limit, cost.mem_limit_bytes));
  }
  return cost;
}

PasswordCost at_least_production_floor(PasswordCost cost) {
  const auto floor = PasswordCost::interactive_default();
  if (cost.ops_limit < floor.ops_limit || cost.mem_limit_bytes < floor.mem_limit_bytes) {
    throw std::invalid_argument(
        fmt::format("password cost t={} m={} bytes is below the production floor t={} m={} bytes",
                    cost.ops_limit, cost.mem_limit_bytes, floor.ops_limit, floor.mem_limit_bytes));
  }
  return cost;
}

}  // namespace

PasswordHasher::PasswordHasher(PasswordCost cost, exec::WorkerPool& cpu)
    : PasswordHasher(at_least_production_floor(cost), cpu, kWeakCostForTests) {}

PasswordHasher::PasswordHasher(PasswordCost cost, exec::WorkerPool& cpu, WeakCostForTests)
    : cost_(within_argon2id_limits(cost)), cpu_(&cpu) {
  init_sodium();
  // A hash of a random password nobody knows, at the current cost: dummy_verify checks against it.
  std::string secret(32, '\0');
  randombytes_buf(secret.data(), secret.size());
  dummy_hash_ = hash_now(secret);
  wipe(secret);
}

awaitable<std::string> PasswordHasher::hash(std::string password) const {
  WipeOnExit wipe_password(password);
  co_return co_await cpu_->call([&] { return hash_now(password); });
}

awaitable<bool> PasswordHasher::verify(std::string hash, std::string password) const {
  WipeOnExit wipe_password(password);
  co_return co_await cpu_->call([&] { return verify_now(hash, password); });
}

awaitable<bool> PasswordHasher::dummy_verify(std::string password) const {
  WipeOnExit wipe_password(password);
  co_return co_await cpu_->call([&] { return dummy_verify_now(password); });
}

std::string PasswordHasher::hash_now(std::string_view password) const {
  PhcBuffer out;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost_.ops_limit, cost_.mem_limit_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error(
        fmt::format("Argon2id could not get {} bytes of memory to hash a password", cost_.mem_limit_bytes));
  }
  return out;
}

bool PasswordHasher::verify_now(const std::string& hash, std::string_view password) const {
  PhcBuffer phc;
  if (!copy_phc(hash, phc)) return false;
  return crypto_pwhash_str_verify(phc, password.data(), password.size()) == 0;
}

bool PasswordHasher::dummy_verify_now(std::string_view password) const {
  // Nobody knows the dummy's password, so this is false; the work is what matters.
  static_cast<void>(verify_now(dummy_hash_, password));
  return false;
}

bool PasswordHasher::needs_rehash(const std::string& hash) const {
  PhcBuffer phc;
  if (!copy_phc(hash, phc)) return true;
  // The Argon2id-specific check: it reports Argon2i and other algorithms as needing a rehash too,
  // where the generic crypto_pwhash_str_needs_rehash would accept an Argon2i hash of equal cost.
  return crypto_pwhash_argon2id_str_needs_rehash(phc, cost_.ops_limit, cost_.mem_limit_bytes) != 0;
}

}  // namespace shop::infra::crypto
