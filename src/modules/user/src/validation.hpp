#pragma once

#include "shop/infra/http/json_input.hpp"

#include <optional>
#include <string>
#include <string_view>

// The API's rules for account fields (API.md, Users and sessions), as JsonInput text rules, and the
// normal forms values are stored and compared in.
namespace shop::user {

infra::http::TextRule username_rule(infra::http::Presence presence = infra::http::Presence::kRequired);
infra::http::TextRule password_rule(infra::http::Presence presence = infra::http::Presence::kRequired);
infra::http::TextRule email_rule();
infra::http::TextRule name_rule(infra::http::Presence presence = infra::http::Presence::kRequired);
infra::http::TextRule phone_rule(infra::http::Presence presence = infra::http::Presence::kRequired);

bool valid_username(std::string_view username);
bool valid_email(std::string_view email);
// "01012345678", "010-1234-5678" -> "010-1234-5678"; nullopt if not a Korean mobile number.
std::optional<std::string> normalize_phone(std::string_view phone);
// True for the text form of a UUID (path parameters are checked before they reach SQL).
bool is_uuid(std::string_view text);
// Trimmed and lower-cased: the form the blind index is computed over.
std::string normalize_email(std::string_view email);

}  // namespace shop::user
