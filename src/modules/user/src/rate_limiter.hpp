#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/crypto/blind_index.hpp"
#include "shop/infra/db/tx.hpp"

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

// Fixed-window abuse limits kept in PostgreSQL (users.rate_limits), so they hold across every shopd
// process. An attempt is counted *before* the work it guards (an Argon2 check, a code comparison),
// by one insert-or-increment that returns the new count: a burst of parallel attempts can never
// let more than the limit through, since each sees the count its own increment made. A subject (a
// username, a client address) is stored only as a keyed hash.
namespace shop::user {

struct Limit {
  std::string_view name;  // "login_user"
  int max_hits;
  std::chrono::seconds window;
};

struct Attempt {
  const Limit& limit;
  std::string_view subject;
};

class RateLimiter {
 public:
  RateLimiter(const infra::clock::Clock& clock, const infra::crypto::BlindIndex& index)
      : clock_(clock), index_(index) {}

  // Counts one attempt against each limit in one statement. Returns how long to wait if any of
  // them is now past its limit (the longest such wait), else nullopt.
  std::optional<std::chrono::seconds> count(infra::db::Tx& tx, std::initializer_list<Attempt> attempts) const;
  // Forgets the subject's attempts (a successful login).
  void forgive(infra::db::Tx& tx, const Limit& limit, std::string_view subject) const;
  // Takes back one attempt (a success that should not count against a shared address).
  void refund(infra::db::Tx& tx, const Limit& limit, std::string_view subject) const;
  // Deletes counters whose window has ended; returns how many.
  std::int64_t purge_expired(infra::db::Tx& tx) const;

 private:
  std::string bucket(const Limit& limit, std::string_view subject) const;

  const infra::clock::Clock& clock_;
  const infra::crypto::BlindIndex& index_;
};

}  // namespace shop::user
