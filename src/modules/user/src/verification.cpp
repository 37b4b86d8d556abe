#include "verification.hpp"

#include "personal_data.hpp"

#include "shop/infra/crypto/digest.hpp"
#include "shop/infra/crypto/random.hpp"

#include <fmt/format.h>

namespace shop::user {
namespace {

using infra::db::Bytes;
using infra::db::Statement;
using infra::db::Tx;
using infra::domain::Done;
using infra::domain::fail;
using std::chrono::seconds;

constexpr Statement kStoreCode{
    "users.store_verification_code",
    "INSERT INTO users.verification_codes (user_id, code_hash, sent_at, expires_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (user_id) DO UPDATE SET code_hash = EXCLUDED.code_hash, sent_at = EXCLUDED.sent_at,"
    " expires_at = EXCLUDED.expires_at, failed_attempts = 0"};
// The account's row lock serializes every attempt on it. The code is read by a statement of its own
// after the lock is held: a row joined to a locked one keeps the version the statement first saw
// (READ COMMITTED re-reads only the locked row), so concurrent wrong codes would see a stale count.
constexpr Statement kLockForVerification{"users.lock_for_verification",
                                         "SELECT id, status, verification_failures, created_at FROM "
                                         "users.accounts WHERE username = $1 FOR UPDATE"};
constexpr Statement kFindCode{"users.find_verification_code",
                              "SELECT code_hash, expires_at, failed_attempts, sent_at FROM "
                              "users.verification_codes WHERE user_id = $1"};
constexpr Statement kCountFailure{
    "users.count_verification_failure",
    "WITH code AS (UPDATE users.verification_codes SET failed_attempts = failed_attempts + 1 WHERE user_id = "
    "$1)"
    " UPDATE users.accounts SET verification_failures = verification_failures + 1 WHERE id = $1"};
constexpr Statement kActivate{"users.activate_account",
                              "WITH code AS (DELETE FROM users.verification_codes WHERE user_id = $1)"
                              " UPDATE users.accounts SET status = 'active', updated_at = $2 WHERE id = $1"};
constexpr Statement kLockForResend{
    "users.lock_for_resend",
    "SELECT id, email_ct, verification_failures, created_at FROM users.accounts"
    " WHERE username = $1 AND status = 'pending_verification' FOR UPDATE"};

std::string code_hash(const UserContext& ctx, const std::string& user_id, const std::string& code) {
  return ctx.index.compute("verification:" + user_id, code);
}

// How long until an unverified account created at `created` expires (at least a second).
seconds until_expiry(const UserContext& ctx, infra::clock::TimePoint created) {
  const auto left = std::chrono::ceil<seconds>(created + ctx.options.pending_account_ttl - ctx.clock.now());
  return std::max(seconds(1), left);
}

bool expired_pending(const UserContext& ctx, infra::clock::TimePoint created) {
  return created <= ctx.clock.now() - ctx.options.pending_account_ttl;
}

}  // namespace

void issue_verification_code(UserContext& ctx, Tx& tx, const std::string& user_id, const std::string& email) {
  const std::string code = infra::crypto::random_digits(6);
  const auto now = ctx.clock.now();
  tx.exec(kStoreCode, user_id, Bytes{code_hash(ctx, user_id, code)}, now, now + ctx.options.code_ttl);
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(ctx.options.code_ttl).count();
  ctx.mail.queue(
      tx, {.from = ctx.options.mail_from,
           .to = email,
           .subject = "Your shopd verification code",
           .body = fmt::format("Your verification code is:\n\n{}\n\nIt is valid for {} minutes. If you did "
                               "not sign up for shopd, ignore this mail.",
                               code, std::max<long long>(1, minutes)),
           .message_id = ""});
}

boost::asio::awaitable<infra::domain::Outcome<Done, VerifyRefused>> verify_email(UserContext& ctx,
                                                                                 std::string username,
                                                                                 std::string code) {
  using Reason = VerifyRefused::Reason;
  auto verify = [&](Tx& tx) -> std::optional<VerifyRefused> {
    const auto account = tx.query(kLockForVerification, username).first();
    if (!account) return VerifyRefused{Reason::kInvalidCode};
    const std::string id = account->string(0);
    const auto status = account->text(1);
    if (status == "active") return std::nullopt;  // verifying twice is harmless
    const auto created = account->time(3);
    if (status != "pending_verification" || expired_pending(ctx, created)) {
      return VerifyRefused{Reason::kInvalidCode};
    }
    if (account->integer(2) >= ctx.options.limits.verification_max_failures) {
      return VerifyRefused{Reason::kTooManyFailures, until_expiry(ctx, created)};
    }
    const auto issued = tx.query(kFindCode, id).first();
    if (!issued) return VerifyRefused{Reason::kInvalidCode};
    if (issued->integer(2) >= ctx.options.limits.verify_attempts) {
      return VerifyRefused{Reason::kCodeVoid, ctx.options.limits.resend_interval};
    }
    if (issued->time(1) <= ctx.clock.now()) return VerifyRefused{Reason::kExpired};
    if (!infra::crypto::equal_in_constant_time(issued->bytes(0), code_hash(ctx, id, code))) {
      tx.exec(kCountFailure, id);
      return VerifyRefused{Reason::kInvalidCode};
    }
    tx.exec(kActivate, id, ctx.clock.now());
    return std::nullopt;
  };
  if (auto refused = co_await ctx.db.transact(verify)) co_return fail(*refused);
  co_return Done{};
}

boost::asio::awaitable<infra::domain::Outcome<Done, ResendRefused>> resend_verification(
    UserContext& ctx, std::string username) {
  using Reason = ResendRefused::Reason;
  auto resend = [&](Tx& tx) -> std::optional<ResendRefused> {
    const auto row = tx.query(kLockForResend, username).first();
    if (!row || expired_pending(ctx, row->time(3))) return std::nullopt;
    const std::string id = row->string(0);
    if (row->integer(2) >= ctx.options.limits.verification_max_failures) {
      return ResendRefused{Reason::kTooManyFailures, until_expiry(ctx, row->time(3))};
    }
    if (const auto issued = tx.query(kFindCode, id).first()) {
      const auto sent = issued->time(3);
      const auto next = sent + ctx.options.limits.resend_interval;
      if (next > ctx.clock.now()) {
        return ResendRefused{Reason::kTooSoon,
                             std::max(seconds(1), std::chrono::ceil<seconds>(next - ctx.clock.now()))};
      }
    }
    issue_verification_code(ctx, tx, id, open(ctx.cipher, row->bytes(1), "users.accounts.email", id));
    return std::nullopt;
  };
  if (auto refused = co_await ctx.db.transact(resend)) co_return fail(*refused);
  co_return Done{};
}

}  // namespace shop::user
