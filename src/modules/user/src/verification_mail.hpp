#pragma once

#include "user_context.hpp"

#include <string>

namespace shop::user {

// A fresh 6-digit code for `user_id`, stored as its keyed hash with the time it was sent, and mailed
// to `email` through the outbox, all in `tx`. Replaces an earlier code and its failed attempts.
void issue_verification_code(UserContext& ctx, infra::db::Tx& tx, const std::string& user_id,
                             const std::string& email);

// The stored form of a code: its keyed hash, bound to the account, as bytea text.
std::string code_hash(const UserContext& ctx, const std::string& user_id, const std::string& code);

}  // namespace shop::user
