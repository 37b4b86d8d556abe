#include "profile.hpp"

#include "personal_data.hpp"
#include "sessions.hpp"
#include "validation.hpp"

#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/events/outbox.hpp"
#include "shop/user/user_events.hpp"

namespace shop::user {
namespace {

using infra::db::Bytes;
using infra::db::Statement;
using infra::db::Tx;
using infra::domain::Done;
using infra::domain::fail;
using Reason = PasswordRefused::Reason;

constexpr Statement kLoadAccount{"users.load_account",
                                 "SELECT " SHOP_USER_ACCOUNT_COLUMNS
                                 " FROM users.accounts a WHERE a.id = $1 AND a.status <> 'withdrawn'"};
constexpr Statement kUpdateName{"users.update_name",
                                "UPDATE users.accounts SET name_ct = $2, updated_at = $3 WHERE id = $1"};
constexpr Statement kUpdatePhone{"users.update_phone",
                                 "UPDATE users.accounts SET phone_ct = $2, updated_at = $3 WHERE id = $1"};
constexpr Statement kCredentials{
    "users.credentials",
    "SELECT username, password_hash FROM users.accounts WHERE id = $1 AND status = 'active'"};
constexpr Statement kUpdatePassword{
    "users.update_password", "UPDATE users.accounts SET password_hash = $2, updated_at = $3 WHERE id = $1"};
// Erasure: nothing that leads back to the person stays; the row (and its id in past orders) does.
constexpr Statement kErase{
    "users.erase_account",
    "WITH addresses AS (DELETE FROM users.addresses WHERE user_id = $1),"
    " codes AS (DELETE FROM users.verification_codes WHERE user_id = $1)"
    " UPDATE users.accounts SET username = NULL, password_hash = NULL, email_ct = NULL, email_bidx = NULL,"
    " name_ct = NULL, phone_ct = NULL, status = 'withdrawn', withdrawn_at = $2, updated_at = $2 WHERE id = "
    "$1"};

struct Checked {
  std::string username;
  std::string hash;
};

// Counts the attempt against the account's re-check limit before the password is compared, as a
// login would: a stolen access token must not become unlimited password guesses.
boost::asio::awaitable<infra::domain::Outcome<Checked, PasswordRefused>> check_password(
    UserContext& ctx, const std::string& user_id, const std::string& password) {
  auto read = [&](Tx& tx) -> infra::domain::Outcome<Checked, PasswordRefused> {
    if (auto wait = ctx.limiter.count(tx, {{ctx.password_recheck, user_id}})) {
      return fail(PasswordRefused{Reason::kTooManyAttempts, *wait});
    }
    const auto row = tx.query(kCredentials, user_id).first();
    if (!row) return fail(PasswordRefused{Reason::kGone});
    return Checked{row->string(0), row->string(1)};
  };
  auto checked = co_await ctx.db.transact(read);
  if (!checked) co_return checked;
  if (!co_await ctx.passwords.verify(checked->hash, password))
    co_return fail(PasswordRefused{Reason::kWrongPassword});
  co_return checked;
}

}  // namespace

boost::json::object to_json(const Profile& p) {
  auto optional = [](const std::optional<std::string>& v) { return v ? boost::json::value(*v) : nullptr; };
  return {{"id", p.id},
          {"username", p.username},
          {"email", optional(p.email)},
          {"name", optional(p.name)},
          {"phone", optional(p.phone)},
          {"role", p.role},
          {"created_at", infra::clock::format_rfc3339(p.created_at)}};
}

Profile open_profile(const UserContext& ctx, const StoredAccount& a) {
  return {.id = a.id,
          .username = a.username,
          .role = a.role,
          .email = open_optional(ctx.cipher, a.email_ct, "users.accounts.email", a.id),
          .name = open_optional(ctx.cipher, a.name_ct, "users.accounts.name", a.id),
          .phone = open_optional(ctx.cipher, a.phone_ct, "users.accounts.phone", a.id),
          .created_at = a.created_at};
}

std::optional<Profile> load_profile(const UserContext& ctx, Tx& tx, const std::string& user_id) {
  const auto row = tx.query(kLoadAccount, user_id).first();
  if (!row) return std::nullopt;
  return open_profile(ctx, stored_account(*row, 0));
}

boost::asio::awaitable<std::optional<Profile>> change_profile(UserContext& ctx, std::string user_id,
                                                              ProfileChange change) {
  auto update = [&](Tx& tx) {
    const auto now = ctx.clock.now();
    if (change.name)
      tx.exec(kUpdateName, user_id, Bytes{seal(ctx.cipher, *change.name, "users.accounts.name", user_id)},
              now);
    if (change.phone) {
      const auto phone = normalize_phone(*change.phone).value_or(*change.phone);
      tx.exec(kUpdatePhone, user_id, Bytes{seal(ctx.cipher, phone, "users.accounts.phone", user_id)}, now);
    }
    return load_profile(ctx, tx, user_id);
  };
  co_return co_await ctx.db.transact(update);
}

boost::asio::awaitable<infra::domain::Outcome<Done, PasswordRefused>> change_password(UserContext& ctx,
                                                                                      PasswordChange c) {
  auto checked = co_await check_password(ctx, c.user_id, c.current_password);
  if (!checked) co_return fail(checked.error());
  if (c.new_password == checked->username) co_return fail(PasswordRefused{Reason::kSameAsUsername});
  const auto hash = co_await ctx.passwords.hash(c.new_password);
  auto store = [&](Tx& tx) {
    ctx.limiter.forgive(tx, ctx.password_recheck, c.user_id);
    tx.exec(kUpdatePassword, c.user_id, hash, ctx.clock.now());
    revoke_sessions_of(ctx, tx, c.user_id, c.keep_session);
  };
  co_await ctx.db.transact(store);
  co_return Done{};
}

boost::asio::awaitable<infra::domain::Outcome<Done, PasswordRefused>> withdraw(UserContext& ctx,
                                                                               std::string user_id,
                                                                               std::string password) {
  auto checked = co_await check_password(ctx, user_id, password);
  if (!checked) co_return fail(checked.error());
  auto erase = [&](Tx& tx) -> infra::domain::Outcome<Done, PasswordRefused> {
    ctx.limiter.forgive(tx, ctx.password_recheck, user_id);
    // Asked in the erasing transaction, so the answer and the erasure commit together.
    if (ctx.withdrawal_guard != nullptr && ctx.withdrawal_guard->has_orders_in_progress(tx, user_id)) {
      return fail(PasswordRefused{Reason::kOrdersInProgress});
    }
    tx.exec(kErase, user_id, ctx.clock.now());
    revoke_sessions_of(ctx, tx, user_id);
    infra::events::publish(tx, UserWithdrawn{user_id});
    return Done{};
  };
  co_return co_await ctx.db.transact(erase);
}

}  // namespace shop::user
