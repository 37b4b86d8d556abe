#pragma once

#include "shop/infra/crypto/blind_index.hpp"
#include "shop/infra/crypto/field_cipher.hpp"
#include "shop/infra/db/database.hpp"

#include <optional>
#include <string>
#include <string_view>

// How the user module stores personal data: each value sealed with the field cipher and bound to
// its column and row ("users.accounts.email:<id>"), so a ciphertext moved elsewhere does not open.
// Values travel to and from PostgreSQL as bytea in hex text form ("\x0a1b...").
namespace shop::user {

std::string seal(const infra::crypto::FieldCipher& cipher, std::string_view value, std::string_view column,
                 std::string_view row_id);
// Throws std::runtime_error if the value does not open (altered, or a key left the ring): that is
// corruption or misconfiguration, never a user's mistake.
std::string open(const infra::crypto::FieldCipher& cipher, std::string_view stored, std::string_view column,
                 std::string_view row_id);

// The blind index of an e-mail address under the current key, as bytea hex text: what a new row stores.
std::string email_index(const infra::crypto::BlindIndex& index, std::string_view normalized_email);
// Whether an account holds this address, indexed under any key of the ring. The unique column only
// catches clashes under the current key; rows written before a key rotation keep their older index.
bool email_in_use(infra::db::Session& session, const infra::crypto::BlindIndex& index,
                  std::string_view normalized_email);

// Bytes <-> PostgreSQL's bytea hex text.
std::string to_bytea(std::string_view bytes);
std::optional<std::string> from_bytea(std::string_view text);

}  // namespace shop::user
