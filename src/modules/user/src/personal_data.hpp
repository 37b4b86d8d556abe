#pragma once

#include "shop/infra/crypto/blind_index.hpp"
#include "shop/infra/crypto/field_cipher.hpp"
#include "shop/infra/db/tx.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// How the user module stores personal data: each value sealed with the field cipher and bound to
// its column and row ("users.accounts.email:<id>"), so a ciphertext moved elsewhere does not open.
namespace shop::user {

// The ciphertext, as the bytes of a bytea column.
std::string seal(const infra::crypto::FieldCipher& cipher, std::string_view value, std::string_view column,
                 std::string_view row_id);
// Throws std::runtime_error if the value does not open (altered, or a key left the ring): that is
// corruption or misconfiguration, never a user's mistake.
std::string open(const infra::crypto::FieldCipher& cipher, std::string_view sealed, std::string_view column,
                 std::string_view row_id);
// A NULL column (an account made by `shopd create-admin` without an e-mail, say) stays nullopt.
std::optional<std::string> open_optional(const infra::crypto::FieldCipher& cipher,
                                         const std::optional<std::string>& sealed, std::string_view column,
                                         std::string_view row_id);

// The blind indexes of an e-mail address, under every key of the ring, the current first: new rows
// store the first; lookups match any, since rows written before a key rotation keep their older index.
std::vector<std::string> email_indexes(const infra::crypto::BlindIndex& index,
                                       std::string_view normalized_email);

}  // namespace shop::user
