#include "verification_mail.hpp"

#include "personal_data.hpp"
#include "sql_time.hpp"

#include <fmt/format.h>
#include <sodium.h>

namespace shop::user {
namespace {

constexpr const char* kStoreCode =
    "INSERT INTO users.verification_codes (user_id, code_hash, sent_at, expires_at)"
    " VALUES (CAST(:id AS uuid), CAST(:hash AS bytea), " SHOP_USER_SQL_TIME(":now") ", " SHOP_USER_SQL_TIME(":expires") ")"
    " ON CONFLICT (user_id) DO UPDATE SET code_hash = EXCLUDED.code_hash, sent_at = EXCLUDED.sent_at,"
    " expires_at = EXCLUDED.expires_at, failed_attempts = 0";

}  // namespace

std::string code_hash(const UserContext& ctx, const std::string& user_id, const std::string& code) {
  return to_bytea(ctx.index.compute("verification:" + user_id, code));
}

void issue_verification_code(UserContext& ctx, infra::db::Tx& tx, const std::string& user_id,
                             const std::string& email) {
  const std::string code = fmt::format("{:06}", randombytes_uniform(1'000'000));
  const auto now = ctx.clock.now();
  const long long now_us = infra::clock::epoch_microseconds(now);
  const long long expires_us = infra::clock::epoch_microseconds(now + ctx.options.code_ttl);
  const std::string hash = code_hash(ctx, user_id, code);
  tx.sql() << kStoreCode, soci::use(user_id), soci::use(hash), soci::use(now_us), soci::use(expires_us);
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

}  // namespace shop::user
