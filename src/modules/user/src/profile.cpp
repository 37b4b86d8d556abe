#include "profile.hpp"

#include "personal_data.hpp"

namespace shop::user {
namespace {

// One query in two parameter styles: SOCI's named one inside transactions, libpq's for db.query.
#define SHOP_USER_PROFILE_QUERY(id_param)                                                                 \
  "SELECT username, COALESCE(email_ct::text, ''), COALESCE(name_ct::text, ''), COALESCE(phone_ct::text, " \
  "''), role,"                                                                                            \
  " status, " SHOP_USER_SQL_RFC3339("created_at") " FROM users.accounts WHERE id = CAST(" id_param        \
                                                  " AS uuid) AND status <> 'withdrawn'"

constexpr const char* kLoadProfile = SHOP_USER_PROFILE_QUERY(":id");
constexpr infra::db::Statement kReadProfile{"users_read_profile", SHOP_USER_PROFILE_QUERY("$1")};

// The columns of the query above, as stored.
struct StoredProfile {
  std::string username, email, name, phone, role, status, created_at;
};

// Accounts made by `shopd create-admin` may have no e-mail, name or phone.
std::string open_optional(const UserContext& ctx, const std::string& stored, std::string_view column,
                          const std::string& id) {
  return stored.empty() ? "" : open(ctx.cipher, stored, column, id);
}

Profile decrypt(const UserContext& ctx, const std::string& user_id, StoredProfile row) {
  return {.id = user_id,
          .username = std::move(row.username),
          .email = open_optional(ctx, row.email, "users.accounts.email", user_id),
          .name = open_optional(ctx, row.name, "users.accounts.name", user_id),
          .phone = open_optional(ctx, row.phone, "users.accounts.phone", user_id),
          .role = std::move(row.role),
          .status = std::move(row.status),
          .created_at = std::move(row.created_at)};
}

}  // namespace

boost::asio::awaitable<std::optional<Profile>> read_profile(const UserContext& ctx,
                                                            const std::string& user_id) {
  const auto rows = co_await ctx.db.query(kReadProfile, user_id);
  if (rows.rows() == 0) co_return std::nullopt;
  auto column = [&](int c) { return std::string(rows.text(0, c)); };
  co_return decrypt(ctx, user_id,
                    {column(0), column(1), column(2), column(3), column(4), column(5), column(6)});
}

std::optional<Profile> load_profile(const UserContext& ctx, infra::db::Session& session,
                                    const std::string& user_id) {
  StoredProfile row;
  session.sql() << kLoadProfile, soci::use(user_id), soci::into(row.username), soci::into(row.email),
      soci::into(row.name), soci::into(row.phone), soci::into(row.role), soci::into(row.status),
      soci::into(row.created_at);
  if (!session.sql().got_data()) return std::nullopt;
  return decrypt(ctx, user_id, std::move(row));
}

boost::json::object to_json(const Profile& p) {
  return {{"id", p.id},       {"username", p.username}, {"email", p.email},          {"name", p.name},
          {"phone", p.phone}, {"role", p.role},         {"created_at", p.created_at}};
}

}  // namespace shop::user
