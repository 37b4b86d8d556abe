#include "addresses.hpp"

#include "personal_data.hpp"
#include "validation.hpp"

#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/crypto/random.hpp"

namespace shop::user {
namespace {

using infra::db::Bytes;
using infra::db::Param;
using infra::db::Statement;
using infra::db::Tx;
using infra::domain::Done;
using infra::domain::fail;

constexpr Statement kListAddresses{
    "users.list_addresses",
    "SELECT id, recipient_ct, phone_ct, zip_code_ct, line1_ct, line2_ct, is_default, created_at"
    " FROM users.addresses WHERE user_id = $1 ORDER BY created_at, id"};
constexpr Statement kFindAddress{
    "users.find_address",
    "SELECT id, recipient_ct, phone_ct, zip_code_ct, line1_ct, line2_ct, is_default, created_at"
    " FROM users.addresses WHERE user_id = $1 AND id = $2"};
// Serializes a user's address changes, so the limit and the single default hold under concurrency.
constexpr Statement kLockAccount{"users.lock_account_for_addresses",
                                 "SELECT 1 FROM users.accounts WHERE id = $1 FOR UPDATE"};
constexpr Statement kCount{"users.count_addresses",
                           "SELECT count(*) FROM users.addresses WHERE user_id = $1"};
constexpr Statement kClearDefault{
    "users.clear_default_address",
    "UPDATE users.addresses SET is_default = false WHERE user_id = $1 AND is_default AND id <> $2"};
constexpr Statement kInsert{
    "users.insert_address",
    "INSERT INTO users.addresses (id, user_id, recipient_ct, phone_ct, zip_code_ct, line1_ct, line2_ct,"
    " is_default, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"};
constexpr Statement kUpdate{
    "users.update_address",
    "UPDATE users.addresses SET recipient_ct = $2, phone_ct = $3, zip_code_ct = $4, line1_ct = $5,"
    " line2_ct = $6, is_default = $7 WHERE id = $1"};
constexpr Statement kDelete{
    "users.delete_address",
    "DELETE FROM users.addresses WHERE id = $1 AND user_id = $2 RETURNING is_default"};
constexpr Statement kPromoteOldest{
    "users.promote_oldest_address",
    "UPDATE users.addresses SET is_default = true WHERE id = (SELECT id FROM users.addresses"
    " WHERE user_id = $1 ORDER BY created_at, id LIMIT 1)"};

std::string column(std::string_view field) {
  return "users.addresses." + std::string(field);
}

void apply(const AddressFields& in, Address& a) {
  if (in.recipient) a.recipient = *in.recipient;
  if (in.phone) a.phone = normalize_phone(*in.phone).value_or(*in.phone);
  if (in.zip_code) a.zip_code = *in.zip_code;
  if (in.line1) a.line1 = *in.line1;
  // An empty line2 removes it.
  if (in.line2) a.line2 = in.line2->empty() ? std::nullopt : in.line2;
  if (in.is_default) a.is_default = *in.is_default;
}

// Writes every field of `a` (sealed) as a new row or over the existing one.
void store(const UserContext& ctx, Tx& tx, const std::string& user_id, const Address& a, bool insert) {
  const auto sealed = [&](const std::string& value, std::string_view field) {
    return seal(ctx.cipher, value, column(field), a.id);
  };
  const auto recipient = sealed(a.recipient, "recipient");
  const auto phone = sealed(a.phone, "phone");
  const auto zip = sealed(a.zip_code, "zip_code");
  const auto line1 = sealed(a.line1, "line1");
  const auto line2 = a.line2 ? std::optional(sealed(*a.line2, "line2")) : std::nullopt;
  const Param line2_param = line2 ? Param(Bytes{*line2}) : Param(nullptr);
  if (a.is_default) tx.exec(kClearDefault, user_id, a.id);
  if (insert) {
    tx.exec(kInsert, a.id, user_id, Bytes{recipient}, Bytes{phone}, Bytes{zip}, Bytes{line1}, line2_param,
            a.is_default, a.created_at);
  } else {
    tx.exec(kUpdate, a.id, Bytes{recipient}, Bytes{phone}, Bytes{zip}, Bytes{line1}, line2_param,
            a.is_default);
  }
}

}  // namespace

boost::json::object to_json(const Address& a) {
  return {{"id", a.id},
          {"recipient", a.recipient},
          {"phone", a.phone},
          {"zip_code", a.zip_code},
          {"line1", a.line1},
          {"line2", a.line2 ? boost::json::value(*a.line2) : nullptr},
          {"is_default", a.is_default},
          {"created_at", infra::clock::format_rfc3339(a.created_at)}};
}

namespace {

// An address from its row (the columns of kListAddresses), opened.
Address address_from_row(const UserContext& ctx, const infra::db::Row& row) {
  const std::string id = row.string(0);
  const auto opened = [&](int c, std::string_view field) {
    return open(ctx.cipher, row.bytes(c), column(field), id);
  };
  return {.id = id,
          .recipient = opened(1, "recipient"),
          .phone = opened(2, "phone"),
          .zip_code = opened(3, "zip_code"),
          .line1 = opened(4, "line1"),
          .line2 = open_optional(ctx.cipher, row.optional_bytes(5), column("line2"), id),
          .is_default = row.boolean(6),
          .created_at = row.time(7)};
}

}  // namespace

std::vector<Address> list_addresses(const UserContext& ctx, Tx& tx, const std::string& user_id) {
  std::vector<Address> out;
  for (const auto row : tx.query(kListAddresses, user_id)) out.push_back(address_from_row(ctx, row));
  return out;
}

std::optional<Address> find_address(const UserContext& ctx, Tx& tx, const std::string& user_id,
                                    const std::string& address_id) {
  const auto row = tx.query(kFindAddress, user_id, address_id).first();
  if (!row) return std::nullopt;
  return address_from_row(ctx, *row);
}

boost::asio::awaitable<std::vector<Address>> list_addresses(UserContext& ctx, std::string user_id) {
  auto read = [&](Tx& tx) { return list_addresses(ctx, tx, user_id); };
  co_return co_await ctx.db.transact(read);
}

boost::asio::awaitable<infra::domain::Outcome<Address, AddressRefused>> add_address(UserContext& ctx,
                                                                                    std::string user_id,
                                                                                    AddressFields fields) {
  Address a;
  a.id = infra::crypto::random_uuid();
  a.created_at = ctx.clock.now();
  apply(fields, a);
  auto add = [&](Tx& tx) -> infra::domain::Outcome<Address, AddressRefused> {
    tx.query(kLockAccount, user_id);
    const auto count = tx.query(kCount, user_id)[0].integer(0);
    if (count >= kMaxAddresses) return fail(AddressRefused::kLimitReached);
    Address added = a;
    added.is_default = a.is_default || count == 0;  // the first address is the default
    store(ctx, tx, user_id, added, true);
    return added;
  };
  co_return co_await ctx.db.transact(add);
}

boost::asio::awaitable<infra::domain::Outcome<Address, AddressRefused>> change_address(UserContext& ctx,
                                                                                       std::string user_id,
                                                                                       std::string address_id,
                                                                                       AddressFields fields) {
  if (!is_uuid(address_id)) co_return fail(AddressRefused::kNotFound);
  auto update = [&](Tx& tx) -> infra::domain::Outcome<Address, AddressRefused> {
    tx.query(kLockAccount, user_id);
    auto a = find_address(ctx, tx, user_id, address_id);
    if (!a) return fail(AddressRefused::kNotFound);
    apply(fields, *a);
    store(ctx, tx, user_id, *a, false);
    return *a;
  };
  co_return co_await ctx.db.transact(update);
}

boost::asio::awaitable<infra::domain::Outcome<Done, AddressRefused>> remove_address(UserContext& ctx,
                                                                                    std::string user_id,
                                                                                    std::string address_id) {
  if (!is_uuid(address_id)) co_return fail(AddressRefused::kNotFound);
  auto remove = [&](Tx& tx) -> infra::domain::Outcome<Done, AddressRefused> {
    tx.query(kLockAccount, user_id);
    const auto deleted = tx.query(kDelete, address_id, user_id).first();
    if (!deleted) return fail(AddressRefused::kNotFound);
    if (deleted->boolean(0)) tx.exec(kPromoteOldest, user_id);
    return Done{};
  };
  co_return co_await ctx.db.transact(remove);
}

}  // namespace shop::user
