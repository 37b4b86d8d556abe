#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/crypto/blind_index.hpp"
#include "shop/infra/db/database.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

// Fixed-window abuse limits kept in PostgreSQL (users.rate_limits), so they hold across every shopd
// process. A subject (a username, a client address) is stored only as a keyed hash.
namespace shop::user {

struct Limit {
  std::string_view name;  // "login_user"
  int max_hits;
  std::chrono::seconds window;
};

class RateLimiter {
 public:
  RateLimiter(infra::db::Database& db, const infra::clock::Clock& clock,
              const infra::crypto::BlindIndex& index)
      : db_(db), clock_(clock), index_(index) {}

  // Seconds until the window ends if `subject` already used up `limit`, else nullopt.
  boost::asio::awaitable<std::optional<std::chrono::seconds>> exhausted(const Limit& limit,
                                                                        std::string_view subject);
  // Counts one hit (a failed login).
  boost::asio::awaitable<void> hit(const Limit& limit, std::string_view subject);
  // Forgets the subject's hits (a successful login).
  boost::asio::awaitable<void> reset(const Limit& limit, std::string_view subject);

 private:
  std::string bucket(const Limit& limit, std::string_view subject) const;

  infra::db::Database& db_;
  const infra::clock::Clock& clock_;
  const infra::crypto::BlindIndex& index_;
};

}  // namespace shop::user
