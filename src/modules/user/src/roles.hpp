#pragma once

#include "user_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>

// Roles are granted by admins (API.md, Roles); signup never chooses one.
namespace shop::user {

struct UserSummary {
  std::string id, username, role, status;
  infra::clock::TimePoint created_at;
};
boost::json::object to_json(const UserSummary& user);

// nullopt for an unknown or withdrawn user. The new role applies to the user's next request.
boost::asio::awaitable<std::optional<UserSummary>> set_role(UserContext& ctx, std::string user_id, Role role);

}  // namespace shop::user
