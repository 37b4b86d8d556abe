#pragma once

#include "user_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace shop::user {

struct Profile {
  std::string id, username, email, name, phone, role, status, created_at;
};

// The account as its owner sees it, decrypted; nullopt if there is none (or it was withdrawn).
// read_profile is the hot path (one prepared statement from the I/O thread); load_profile reads in
// the caller's transaction, after a change.
boost::asio::awaitable<std::optional<Profile>> read_profile(const UserContext& ctx,
                                                            const std::string& user_id);
std::optional<Profile> load_profile(const UserContext& ctx, infra::db::Session& session,
                                    const std::string& user_id);
boost::json::object to_json(const Profile& profile);

// RFC 3339 UTC text of a timestamptz column, for SELECT lists.
#define SHOP_USER_SQL_RFC3339(column) \
  "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

}  // namespace shop::user
