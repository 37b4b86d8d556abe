#pragma once

#include "shop/infra/exec/worker_pool.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string>
#include <string_view>

// Argon2id password hashes in the PHC string format ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash"),
// which records its own cost, so hashes made under an older cost keep verifying and can be upgraded
// at the next login (needs_rehash). Hashing is deliberately slow and memory-hungry: the awaitable
// calls run it on a worker pool so an I/O thread never stalls; the *_now calls are for CLI tools.
namespace shop::infra::crypto {

struct PasswordCost {
  unsigned long long ops_limit;  // Argon2 passes (t)
  std::size_t mem_limit_bytes;   // Argon2 memory (m)

  // The production floor (OWASP's Argon2id minimum): t=2, m=19 MiB.
  static constexpr PasswordCost interactive_default() { return {2, std::size_t{19} * 1024 * 1024}; }

  bool operator==(const PasswordCost&) const = default;
};

// Marks the constructor that accepts a cost below the production floor: tests only.
struct WeakCostForTests {};
inline constexpr WeakCostForTests kWeakCostForTests{};

class PasswordHasher {
 public:
  // Throws std::invalid_argument if `cost` is weaker than PasswordCost::interactive_default() in
  // either dimension. `cpu` must outlive the hasher. Computes the dummy hash (one hash at `cost`).
  PasswordHasher(PasswordCost cost, exec::WorkerPool& cpu);
  // Accepts any cost Argon2id allows, so tests run in microseconds.
  PasswordHasher(PasswordCost cost, exec::WorkerPool& cpu, WeakCostForTests);

  PasswordCost cost() const { return cost_; }

  // On the worker pool; resume on the awaiting coroutine's executor. The password copies are wiped
  // afterwards.
  boost::asio::awaitable<std::string> hash(std::string password) const;
  boost::asio::awaitable<bool> verify(std::string hash, std::string password) const;
  // For a login whose user does not exist: verifies against a fixed hash at the current cost and
  // returns false, taking as long as a real verify, so the response time does not reveal which
  // accounts exist.
  boost::asio::awaitable<bool> dummy_verify(std::string password) const;

  // Blocking versions, on the calling thread. hash_now throws std::runtime_error if Argon2id cannot
  // get its memory.
  std::string hash_now(std::string_view password) const;
  bool verify_now(const std::string& hash, std::string_view password) const;
  bool dummy_verify_now(std::string_view password) const;

  // True if `hash` was not made by Argon2id at exactly the current cost (including anything that is
  // not an Argon2id hash at all): after a successful verify, hash the password again and store it.
  bool needs_rehash(const std::string& hash) const;

 private:
  PasswordCost cost_;
  exec::WorkerPool* cpu_;
  std::string dummy_hash_;
};

}  // namespace shop::infra::crypto
