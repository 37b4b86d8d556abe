#include "roles.hpp"

#include "validation.hpp"

#include "shop/infra/clock/time_text.hpp"

namespace shop::user {
namespace {

constexpr infra::db::Statement kSetRole{
    "users.set_role",
    "UPDATE users.accounts SET role = $2, updated_at = $3 WHERE id = $1 AND status <> 'withdrawn'"
    " RETURNING username, status, created_at"};

}  // namespace

boost::json::object to_json(const UserSummary& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"role", u.role},
          {"status", u.status},
          {"created_at", infra::clock::format_rfc3339(u.created_at)}};
}

boost::asio::awaitable<std::optional<UserSummary>> set_role(UserContext& ctx, std::string user_id,
                                                            Role role) {
  if (!is_uuid(user_id)) co_return std::nullopt;
  auto update = [&](infra::db::Tx& tx) -> std::optional<UserSummary> {
    const auto row = tx.query(kSetRole, user_id, role_name(role), ctx.clock.now()).first();
    if (!row) return std::nullopt;
    return UserSummary{user_id, row->string(0), std::string(role_name(role)), row->string(1), row->time(2)};
  };
  co_return co_await ctx.db.transact(update);
}

}  // namespace shop::user
