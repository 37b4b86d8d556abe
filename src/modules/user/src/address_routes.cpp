#include "personal_data.hpp"
#include "profile.hpp"
#include "routes.hpp"
#include "validation.hpp"

#include "shop/infra/http/json_input.hpp"

#include <algorithm>

namespace shop::user {
namespace {

namespace http = infra::http;
using infra::db::Session;
using infra::db::Tx;

constexpr int kMaxAddresses = 20;

constexpr const char* kListAddresses =
    "SELECT id::text, recipient_ct::text, phone_ct::text, zip_code_ct::text, line1_ct::text, "
    "COALESCE(line2_ct::text, ''),"
    " is_default::int, " SHOP_USER_SQL_RFC3339(
        "created_at") " FROM users.addresses WHERE user_id = CAST(:user_id AS uuid) ORDER BY created_at, id";
// Serializes a user's address changes, so the limit and the single default hold under concurrency.
constexpr const char* kLockAccount =
    "SELECT 1 FROM users.accounts WHERE id = CAST(:user_id AS uuid) FOR UPDATE";
constexpr const char* kCount = "SELECT count(*) FROM users.addresses WHERE user_id = CAST(:user_id AS uuid)";
constexpr const char* kNewId = "SELECT gen_random_uuid()::text";
constexpr const char* kClearDefault =
    "UPDATE users.addresses SET is_default = false WHERE user_id = CAST(:user_id AS uuid) AND is_default";
constexpr const char* kInsert =
    "INSERT INTO users.addresses (id, user_id, recipient_ct, phone_ct, zip_code_ct, line1_ct, line2_ct, "
    "is_default)"
    " VALUES (CAST(:id AS uuid), CAST(:user_id AS uuid), CAST(:recipient AS bytea), CAST(:phone AS bytea),"
    " CAST(:zip AS bytea), CAST(:line1 AS bytea), CAST(NULLIF(:line2, '') AS bytea), :is_default)";
constexpr const char* kUpdate =
    "UPDATE users.addresses SET recipient_ct = CAST(:recipient AS bytea), phone_ct = CAST(:phone AS bytea),"
    " zip_code_ct = CAST(:zip AS bytea), line1_ct = CAST(:line1 AS bytea), line2_ct = CAST(NULLIF(:line2, "
    "'') AS bytea),"
    " is_default = :is_default WHERE id = CAST(:id AS uuid)";
constexpr const char* kDelete =
    "DELETE FROM users.addresses WHERE id = CAST(:id AS uuid) AND user_id = CAST(:user_id AS uuid)"
    " RETURNING is_default::int";
constexpr const char* kPromoteOldest =
    "UPDATE users.addresses SET is_default = true WHERE id = (SELECT id FROM users.addresses"
    " WHERE user_id = CAST(:user_id AS uuid) ORDER BY created_at, id LIMIT 1)";

struct Address {
  std::string id, recipient, phone, zip_code, line1, line2, created_at;
  bool is_default = false;
};

boost::json::object to_json(const Address& a) {
  return {{"id", a.id},
          {"recipient", a.recipient},
          {"phone", a.phone},
          {"zip_code", a.zip_code},
          {"line1", a.line1},
          {"line2", a.line2.empty() ? boost::json::value(nullptr) : boost::json::value(a.line2)},
          {"is_default", a.is_default},
          {"created_at", a.created_at}};
}

std::string column(std::string_view field) {
  return "users.addresses." + std::string(field);
}

std::vector<Address> list(const UserContext& ctx, Session& s, const std::string& user_id) {
  std::vector<Address> out;
  soci::rowset<soci::row> rows = (s.sql().prepare << kListAddresses, soci::use(user_id));
  for (const auto& row : rows) {
    Address a;
    a.id = row.get<std::string>(0);
    a.recipient = open(ctx.cipher, row.get<std::string>(1), column("recipient"), a.id);
    a.phone = open(ctx.cipher, row.get<std::string>(2), column("phone"), a.id);
    a.zip_code = open(ctx.cipher, row.get<std::string>(3), column("zip_code"), a.id);
    a.line1 = open(ctx.cipher, row.get<std::string>(4), column("line1"), a.id);
    const auto line2 = row.get<std::string>(5);
    a.line2 = line2.empty() ? "" : open(ctx.cipher, line2, column("line2"), a.id);
    a.is_default = row.get<int>(6) != 0;
    a.created_at = row.get<std::string>(7);
    out.push_back(std::move(a));
  }
  return out;
}

// Writes every field of `a` (sealed) as a new row or over the existing one.
void store(const UserContext& ctx, Tx& tx, const std::string& user_id, const Address& a, bool insert) {
  const auto recipient = seal(ctx.cipher, a.recipient, column("recipient"), a.id);
  const auto phone = seal(ctx.cipher, a.phone, column("phone"), a.id);
  const auto zip = seal(ctx.cipher, a.zip_code, column("zip_code"), a.id);
  const auto line1 = seal(ctx.cipher, a.line1, column("line1"), a.id);
  const auto line2 = a.line2.empty() ? std::string() : seal(ctx.cipher, a.line2, column("line2"), a.id);
  const int is_default = a.is_default ? 1 : 0;
  if (a.is_default) tx.sql() << kClearDefault, soci::use(user_id);
  if (insert) {
    tx.sql() << kInsert, soci::use(a.id), soci::use(user_id), soci::use(recipient), soci::use(phone),
        soci::use(zip), soci::use(line1), soci::use(line2), soci::use(is_default);
  } else {
    tx.sql() << kUpdate, soci::use(recipient), soci::use(phone), soci::use(zip), soci::use(line1),
        soci::use(line2), soci::use(is_default), soci::use(a.id);
  }
}

http::TextRule zip_rule(http::Presence presence) {
  return {.min = 5,
          .max = 5,
          .presence = presence,
          .check =
              [](std::string_view z) {
                return std::all_of(z.begin(), z.end(), [](char c) { return c >= '0' && c <= '9'; });
              },
          .check_message = "must be 5 digits"};
}

// The fields of a POST (all required but line2 and is_default) or a PATCH (all optional).
struct AddressInput {
  std::optional<std::string> recipient, phone, zip_code, line1, line2;
  std::optional<bool> is_default;
};

AddressInput read_address(const http::Request& req, bool patch) {
  using http::Presence;
  const auto required = patch ? Presence::kOptional : Presence::kRequired;
  http::JsonInput in(req);
  auto& r = in.root();
  AddressInput a;
  a.recipient = r.text("recipient", {.min = 1, .max = 50, .presence = required});
  a.phone = r.text("phone", phone_rule(required));
  a.zip_code = r.text("zip_code", zip_rule(required));
  a.line1 = r.text("line1", {.min = 1, .max = 200, .presence = required});
  a.line2 = r.text("line2", {.min = 0, .max = 200, .presence = Presence::kOptional});
  a.is_default = r.boolean("is_default", Presence::kOptional);
  in.finish();
  if (a.phone) a.phone = normalize_phone(*a.phone);
  return a;
}

void apply(const AddressInput& in, Address& a) {
  if (in.recipient) a.recipient = *in.recipient;
  if (in.phone) a.phone = *in.phone;
  if (in.zip_code) a.zip_code = *in.zip_code;
  if (in.line1) a.line1 = *in.line1;
  if (in.line2) a.line2 = *in.line2;
  if (in.is_default) a.is_default = *in.is_default;
}

http::Problem address_not_found() {
  return http::Problem(404, "not_found", "Not found", "You have no such address.");
}

boost::asio::awaitable<http::Response> list_addresses(UserContext& ctx, http::Request& req) {
  const auto user_id = req.caller->id;
  auto read = [&](Session& s) { return list(ctx, s, user_id); };
  boost::json::array items;
  for (const auto& a : co_await ctx.db.autocommit(read)) items.push_back(to_json(a));
  co_return http::json_response(200, {{"items", items}});
}

enum class AddOutcome { kAdded, kLimit };

boost::asio::awaitable<http::Response> add_address(UserContext& ctx, http::Request& req) {
  const auto input = read_address(req, false);
  const auto user_id = req.caller->id;
  Address a;
  apply(input, a);
  auto add = [&](Tx& tx) {
    tx.sql() << kLockAccount, soci::use(user_id);
    long long count = 0;
    tx.sql() << kCount, soci::use(user_id), soci::into(count);
    if (count >= kMaxAddresses) return AddOutcome::kLimit;
    tx.sql() << kNewId, soci::into(a.id);
    a.is_default = a.is_default || count == 0;  // the first address is the default
    store(ctx, tx, user_id, a, true);
    return AddOutcome::kAdded;
  };
  if (co_await ctx.db.transact(add) == AddOutcome::kLimit) {
    throw http::Problem(409, "address_limit", "Too many addresses",
                        fmt::format("At most {} addresses; delete one first.", kMaxAddresses));
  }
  auto read = [&](Session& s) { return list(ctx, s, user_id); };
  for (const auto& stored : co_await ctx.db.autocommit(read)) {
    if (stored.id == a.id) co_return http::json_response(201, to_json(stored));
  }
  throw address_not_found();  // deleted by a concurrent request of the same user
}

boost::asio::awaitable<http::Response> update_address(UserContext& ctx, http::Request& req) {
  const auto input = read_address(req, true);
  const auto user_id = req.caller->id;
  const std::string id(req.param("id"));
  if (!is_uuid(id)) throw address_not_found();
  auto update = [&](Tx& tx) -> std::optional<Address> {
    tx.sql() << kLockAccount, soci::use(user_id);
    for (auto a : list(ctx, tx, user_id)) {
      if (a.id != id) continue;
      apply(input, a);
      store(ctx, tx, user_id, a, false);
      return a;
    }
    return std::nullopt;
  };
  const auto updated = co_await ctx.db.transact(update);
  if (!updated) throw address_not_found();
  co_return http::json_response(200, to_json(*updated));
}

boost::asio::awaitable<http::Response> delete_address(UserContext& ctx, http::Request& req) {
  const auto user_id = req.caller->id;
  const std::string id(req.param("id"));
  if (!is_uuid(id)) throw address_not_found();
  auto remove = [&](Tx& tx) {
    tx.sql() << kLockAccount, soci::use(user_id);
    int was_default = 0;
    tx.sql() << kDelete, soci::use(id), soci::use(user_id), soci::into(was_default);
    if (!tx.sql().got_data()) return false;
    if (was_default != 0) tx.sql() << kPromoteOldest, soci::use(user_id);
    return true;
  };
  if (!co_await ctx.db.transact(remove)) throw address_not_found();
  co_return http::no_content();
}

}  // namespace

void register_address_routes(http::Router& router, UserContext& ctx) {
  using http::Method;
  const auto signed_in = http::Access::signed_in();
  router.add(
      Method::kGet, "/api/v1/me/addresses", [&ctx](http::Request& r) { return list_addresses(ctx, r); },
      signed_in);
  router.add(
      Method::kPost, "/api/v1/me/addresses", [&ctx](http::Request& r) { return add_address(ctx, r); },
      signed_in);
  router.add(
      Method::kPatch, "/api/v1/me/addresses/{id}",
      [&ctx](http::Request& r) { return update_address(ctx, r); }, signed_in);
  router.add(
      Method::kDelete, "/api/v1/me/addresses/{id}",
      [&ctx](http::Request& r) { return delete_address(ctx, r); }, signed_in);
}

}  // namespace shop::user
