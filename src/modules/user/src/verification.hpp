#pragma once

#include "user_context.hpp"

#include "shop/infra/domain/outcome.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

// E-mail verification: a 6-digit code, mailed through the outbox, stored only as a keyed hash.
// A code dies after auth.verify_attempts wrong tries; an account gets auth.verification_max_failures
// wrong tries in all, across resends, and then no more until it expires unverified.
namespace shop::user {

// A fresh code for the account, mailed to `email`, both in `tx`. Replaces an earlier code and its
// failed attempts (the account's total is kept).
void issue_verification_code(UserContext& ctx, infra::db::Tx& tx, const std::string& user_id,
                             const std::string& email);

struct VerifyRefused {
  enum class Reason { kInvalidCode, kExpired, kCodeVoid, kTooManyFailures } reason;
  std::chrono::seconds retry_after{0};  // kCodeVoid, kTooManyFailures
};
boost::asio::awaitable<infra::domain::Outcome<infra::domain::Done, VerifyRefused>> verify_email(
    UserContext& ctx, std::string username, std::string code);

struct ResendRefused {
  enum class Reason { kTooSoon, kTooManyFailures } reason;
  std::chrono::seconds retry_after;
};
// An unknown or already verified username succeeds without sending anything, so this reveals no
// accounts.
boost::asio::awaitable<infra::domain::Outcome<infra::domain::Done, ResendRefused>> resend_verification(
    UserContext& ctx, std::string username);

}  // namespace shop::user
