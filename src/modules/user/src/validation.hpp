#pragma once

#include "shop/infra/domain/text_rule.hpp"
#include "shop/infra/domain/uuid.hpp"

#include <optional>
#include <string>
#include <string_view>

// The API's rules for account fields (API.md, Users and sessions), stated once: the routes' JSON
// reader and the domain's own checks (for accounts made by `shopd create-admin`) use the same rules,
// and the same normal forms values are stored and compared in.
namespace shop::user {

using infra::domain::is_uuid;
using infra::domain::Presence;
using infra::domain::TextRule;

TextRule username_rule(Presence presence = Presence::kRequired);
TextRule password_rule(Presence presence = Presence::kRequired);
TextRule email_rule(Presence presence = Presence::kRequired);
TextRule name_rule(Presence presence = Presence::kRequired);
TextRule phone_rule(Presence presence = Presence::kRequired);
TextRule zip_code_rule(Presence presence = Presence::kRequired);
TextRule recipient_rule(Presence presence = Presence::kRequired);
TextRule address_line_rule(Presence presence = Presence::kRequired, std::size_t min = 1);
// A username given to look an account up by (verify, resend): any plain text, an unknown one is
// just not found.
TextRule account_username_rule();
// A login's: any text at all, so that a username no account can have gets the answer of a wrong
// password (after the dummy hash), never a 400 that tells it apart.
TextRule login_username_rule();
// A password presented for checking.
TextRule presented_password_rule();

bool valid_username(std::string_view username);
bool valid_email(std::string_view email);
// "01012345678", "010-1234-5678" -> "010-1234-5678"; nullopt if not a Korean mobile number.
std::optional<std::string> normalize_phone(std::string_view phone);
// Trimmed and lower-cased: the form the blind index is computed over.
std::string normalize_email(std::string_view email);

}  // namespace shop::user
