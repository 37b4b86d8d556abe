#pragma once

#include "rate_limiter.hpp"
#include "shop/user/user_module.hpp"

#include "shop/infra/crypto/blind_index.hpp"
#include "shop/infra/crypto/field_cipher.hpp"
#include "shop/infra/crypto/token_signer.hpp"

// What every part of the user module works with, built once from UserDeps.
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
        limiter(deps.db, deps.clock, index) {}

  infra::db::Database& db;
  const infra::clock::Clock& clock;
  infra::crypto::FieldCipher cipher;
  infra::crypto::BlindIndex index;
  infra::crypto::TokenSigner signer;
  const infra::crypto::PasswordHasher& passwords;
  const infra::mail::MailQueue& mail;
  UserOptions options;
  RateLimiter limiter;
};

}  // namespace shop::user
