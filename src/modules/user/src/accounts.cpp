#include "accounts.hpp"

#include "personal_data.hpp"
#include "validation.hpp"
#include "verification.hpp"

#include "shop/infra/crypto/random.hpp"
#include "shop/infra/events/outbox.hpp"
#include "shop/user/user_events.hpp"

namespace shop::user {
namespace {

using infra::db::Bytes;
using infra::db::BytesArray;
using infra::db::Statement;
using infra::db::Tx;
using infra::domain::fail;
using infra::domain::FieldErrors;
using Reason = AccountRefused::Reason;

// An account holds its username and e-mail unless it is an unverified one older than the cutoff.
#define SHOP_USER_HOLDS "NOT (status = 'pending_verification' AND created_at <= $3)"

constexpr Statement kHolders{
    "users.account_holders",
    "SELECT EXISTS (SELECT 1 FROM users.accounts WHERE username = $1 AND " SHOP_USER_HOLDS
    "), EXISTS (SELECT 1 FROM users.accounts WHERE email_bidx = ANY($2::bytea[]) AND " SHOP_USER_HOLDS ")"};
constexpr Statement kUsernameHeld{"users.username_held",
                                  "SELECT EXISTS (SELECT 1 FROM users.accounts WHERE username = $1 AND"
                                  " NOT (status = 'pending_verification' AND created_at <= $2))"};
constexpr Statement kRemoveExpiredHolders{
    "users.remove_expired_holders",
    "DELETE FROM users.accounts WHERE (username = $1 OR email_bidx = ANY($2::bytea[]))"
    " AND status = 'pending_verification' AND created_at <= $3"};
// Either unique key may clash with a concurrent signup; DO NOTHING waits for it and then tells.
constexpr Statement kInsertAccount{
    "users.insert_account",
    "INSERT INTO users.accounts (id, username, password_hash, email_ct, email_bidx, name_ct, phone_ct, role,"
    " status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT DO "
    "NOTHING"};
constexpr Statement kPurgeExpiredPending{
    "users.purge_expired_pending",
    "DELETE FROM users.accounts WHERE id IN (SELECT id FROM users.accounts"
    " WHERE status = 'pending_verification' AND created_at <= $1 LIMIT 1000)"};

// The request in its stored forms.
struct Normalized {
  std::optional<std::string> email, phone;
  std::vector<std::string> email_indexes;  // empty without an e-mail
};

void check(FieldErrors& errors, std::string_view field, const std::optional<std::string>& value,
           const TextRule& rule) {
  if (!value) return;
  if (auto error = infra::domain::text_error(*value, rule)) errors.push_back({std::string(field), *error});
}

FieldErrors invalid_fields(const AccountRequest& r) {
  FieldErrors errors;
  check(errors, "username", r.username, username_rule());
  check(errors, "password", r.password, password_rule());
  if (r.password == r.username) errors.push_back({"password", "must not be the username"});
  if (!r.active && !r.email) errors.push_back({"email", "is required"});
  check(errors, "email", r.email, email_rule());
  check(errors, "name", r.name, name_rule());
  check(errors, "phone", r.phone, phone_rule());
  return errors;
}

Normalized normalize(const UserContext& ctx, const AccountRequest& r) {
  Normalized n;
  if (r.email) {
    n.email = normalize_email(*r.email);
    n.email_indexes = email_indexes(ctx.index, *n.email);
  }
  if (r.phone) n.phone = normalize_phone(*r.phone);
  return n;
}

std::optional<AccountRefused> taken(Tx& tx, const std::string& username, const Normalized& n,
                                    infra::clock::TimePoint cutoff) {
  const auto row = tx.query(kHolders, username, BytesArray{n.email_indexes}, cutoff)[0];
  if (row.boolean(1)) return AccountRefused{Reason::kEmailTaken};
  if (row.boolean(0)) return AccountRefused{Reason::kUsernameTaken};
  return std::nullopt;
}

std::optional<std::string> sealed(const UserContext& ctx, const std::optional<std::string>& value,
                                  std::string_view column, const std::string& id) {
  if (!value) return std::nullopt;
  return seal(ctx.cipher, *value, column, id);
}

}  // namespace

boost::asio::awaitable<infra::domain::Outcome<std::string, AccountRefused>> create_account(UserContext& ctx,
                                                                                           AccountRequest r) {
  if (auto errors = invalid_fields(r); !errors.empty())
    co_return fail(AccountRefused{Reason::kInvalid, errors});
  const Normalized n = normalize(ctx, r);
  const auto cutoff = ctx.clock.now() - ctx.options.pending_account_ttl;

  auto precheck = [&](Tx& tx) -> std::optional<AccountRefused> {
    if (r.client_subject) {
      if (auto wait = ctx.limiter.count(tx, {{ctx.signup_per_address, *r.client_subject}})) {
        return AccountRefused{Reason::kTooManySignups, {}, *wait};
      }
    }
    return taken(tx, r.username, n, cutoff);
  };
  if (auto refused = co_await ctx.db.transact(precheck)) co_return fail(std::move(*refused));

  const std::string hash = co_await ctx.passwords.hash(r.password);
  const std::string id = infra::crypto::random_uuid();
  auto create = [&](Tx& tx) -> std::optional<AccountRefused> {
    tx.exec(kRemoveExpiredHolders, r.username, BytesArray{n.email_indexes}, cutoff);
    // The unique column only catches clashes under the current key; rows indexed under an older key
    // are found here.
    if (auto clash = taken(tx, r.username, n, cutoff)) return clash;
    const auto email_ct = sealed(ctx, n.email, "users.accounts.email", id);
    const auto name_ct = sealed(ctx, r.name, "users.accounts.name", id);
    const auto phone_ct = sealed(ctx, n.phone, "users.accounts.phone", id);
    const auto bytes = [](const std::optional<std::string>& v) -> infra::db::Param {
      return v ? infra::db::Param(Bytes{*v}) : infra::db::Param(nullptr);
    };
    const bool inserted = tx.exec(kInsertAccount, id, r.username, hash, bytes(email_ct),
                                  n.email_indexes.empty() ? infra::db::Param(nullptr)
                                                          : infra::db::Param(Bytes{n.email_indexes[0]}),
                                  bytes(name_ct), bytes(phone_ct), role_name(r.role),
                                  r.active ? "active" : "pending_verification", ctx.clock.now()) == 1;
    if (!inserted) return taken(tx, r.username, n, cutoff).value_or(AccountRefused{Reason::kUsernameTaken});
    if (!r.active) issue_verification_code(ctx, tx, id, *n.email);
    infra::events::publish(tx, UserRegistered{id});
    return std::nullopt;
  };
  if (auto refused = co_await ctx.db.transact(create)) co_return fail(std::move(*refused));
  co_return id;
}

boost::asio::awaitable<bool> username_available(const UserContext& ctx, const std::string& username) {
  const auto rows =
      co_await ctx.db.query(kUsernameHeld, username, ctx.clock.now() - ctx.options.pending_account_ttl);
  co_return !rows[0].boolean(0);
}

std::int64_t purge_expired_pending_accounts(const UserContext& ctx, Tx& tx) {
  return tx.exec(kPurgeExpiredPending, ctx.clock.now() - ctx.options.pending_account_ttl);
}

}  // namespace shop::user
