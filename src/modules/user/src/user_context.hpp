#pragma once

#include "rate_limiter.hpp"
#include "shop/user/user_module.hpp"

#include "shop/infra/crypto/blind_index.hpp"
#include "shop/infra/crypto/field_cipher.hpp"
#include "shop/infra/crypto/token_signer.hpp"

// What every part of the user module works with, built once from UserDeps, and the limits it
// applies, named once.
namespace shop::user {

struct UserContext {
  explicit UserContext(const UserDeps& deps)
      : db(deps.db),
        clock(deps.clock),
        cipher(deps.keys),
        index(deps.keys),
        signer(deps.keys),
        passwords(deps.passwords),
        mail(deps.mail),
        options(deps.options),
        withdrawal_guard(deps.withdrawal_guard),
        limiter(deps.clock, index),
        login_per_user{"login_user", options.limits.login_per_username, options.limits.login_window},
        login_per_address{"login_address", options.limits.login_per_address, options.limits.login_window},
        password_recheck{"password_check", options.limits.login_per_username, options.limits.login_window},
        signup_per_address{"signup_address", options.limits.signup_per_address,
                           options.limits.signup_window} {}

  infra::db::Database& db;
  const infra::clock::Clock& clock;
  infra::crypto::FieldCipher cipher;
  infra::crypto::BlindIndex index;
  infra::crypto::TokenSigner signer;
  const infra::crypto::PasswordHasher& passwords;
  const infra::mail::MailQueue& mail;
  UserOptions options;
  const WithdrawalGuard* withdrawal_guard;
  RateLimiter limiter;
  const Limit login_per_user;
  const Limit login_per_address;
  const Limit password_recheck;  // per account: PUT /me/password and DELETE /me check the password too
  const Limit signup_per_address;
};

}  // namespace shop::user
