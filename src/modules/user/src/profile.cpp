#include "profile.hpp"

#include "personal_data.hpp"

namespace shop::user {
namespace {

constexpr const char* kLoadProfile =
    "SELECT username, COALESCE(email_ct::text, ''), COALESCE(name_ct::text, ''), COALESCE(phone_ct::text, ''), role,"
    " status, " SHOP_USER_SQL_RFC3339("created_at")
    " FROM users.accounts WHERE id = CAST(:id AS uuid) AND status <> 'withdrawn'";

// Accounts made by `shopd create-admin` may have no e-mail, name or phone.
std::string open_optional(const UserContext& ctx, const std::string& stored, std::string_view column,
                          const std::string& id) {
  return stored.empty() ? "" : open(ctx.cipher, stored, column, id);
}

}  // namespace

std::optional<Profile> load_profile(const UserContext& ctx, infra::db::Session& session, const std::string& user_id) {
  Profile p;
  std::string email, name, phone;
  session.sql() << kLoadProfile, soci::use(user_id), soci::into(p.username), soci::into(email), soci::into(name),
      soci::into(phone), soci::into(p.role), soci::into(p.status), soci::into(p.created_at);
  if (!session.sql().got_data()) return std::nullopt;
  p.id = user_id;
  p.email = open_optional(ctx, email, "users.accounts.email", user_id);
  p.name = open_optional(ctx, name, "users.accounts.name", user_id);
  p.phone = open_optional(ctx, phone, "users.accounts.phone", user_id);
  return p;
}

boost::json::object to_json(const Profile& p) {
  return {{"id", p.id},     {"username", p.username}, {"email", p.email},          {"name", p.name},
          {"phone", p.phone}, {"role", p.role},       {"created_at", p.created_at}};
}

}  // namespace shop::user
