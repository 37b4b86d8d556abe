#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/db/rows.hpp"

#include <optional>
#include <string>

namespace shop::user {

// An account's row as stored: its personal data still sealed. The authenticator reads it with the
// session, so a handler that shows the account needs no second round trip.
struct StoredAccount {
  std::string id;
  std::string username;
  std::string role;
  std::optional<std::string> email_ct, name_ct, phone_ct;
  infra::clock::TimePoint created_at;
};

// For `SELECT ... SHOP_USER_ACCOUNT_COLUMNS FROM users.accounts a`, read by stored_account(row, first).
#define SHOP_USER_ACCOUNT_COLUMNS "a.id, a.username, a.role, a.email_ct, a.name_ct, a.phone_ct, a.created_at"

inline StoredAccount stored_account(const infra::db::Row& row, int first) {
  return {.id = row.string(first),
          .username = row.string(first + 1),
          .role = row.string(first + 2),
          .email_ct = row.optional_bytes(first + 3),
          .name_ct = row.optional_bytes(first + 4),
          .phone_ct = row.optional_bytes(first + 5),
          .created_at = row.time(first + 6)};
}

}  // namespace shop::user
