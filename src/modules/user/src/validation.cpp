#include "validation.hpp"

#include <algorithm>
#include <cctype>

namespace shop::user {
namespace {

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool valid_username(std::string_view username) {
  return username.size() >= 4 && username.size() <= 20 &&
         std::all_of(username.begin(), username.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool valid_email(std::string_view email) {
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at != email.rfind('@') || email.size() > 254) return false;
  const auto domain = email.substr(at + 1);
  if (domain.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.') {
    return false;
  }
  return std::none_of(email.begin(), email.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)) ||
           c == '<' || c == '>' || c == ',' || c == ';';
  });
}

std::optional<std::string> normalize_phone(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c == '-') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits += c;
  }
  // Dashes, if any, must sit where the canonical form has them.
  if (phone.find('-') != std::string_view::npos &&
      (phone.size() != 13 || phone[3] != '-' || phone[8] != '-')) {
    return std::nullopt;
  }
  if (digits.size() != 11 || !digits.starts_with("010")) return std::nullopt;
  return digits.substr(0, 3) + "-" + digits.substr(3, 4) + "-" + digits.substr(7);
}

std::string normalize_email(std::string_view email) {
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front()))) email.remove_prefix(1);
  while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back()))) email.remove_suffix(1);
  std::string out(email);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TextRule username_rule(Presence presence) {
  return {.min = 4,
          .max = 20,
          .presence = presence,
          .check = valid_username,
          .check_message = "must be 4 to 20 of a-z, 0-9 and _"};
}
TextRule password_rule(Presence presence) {
  return {.min = 8, .max = 128, .presence = presence, .kind = infra::domain::TextKind::kAny};
}
TextRule email_rule(Presence presence) {
  return {.min = 3,
          .max = 254,
          .presence = presence,
          .check = [](std::string_view e) { return valid_email(normalize_email(e)); },
          .check_message = "must be an e-mail address"};
}
TextRule name_rule(Presence presence) {
  return {.min = 1, .max = 50, .presence = presence};
}
TextRule phone_rule(Presence presence) {
  return {.min = 10,
          .max = 13,
          .presence = presence,
          .check = [](std::string_view p) { return normalize_phone(p).has_value(); },
          .check_message = "must be a Korean mobile number such as 010-1234-5678"};
}
TextRule zip_code_rule(Presence presence) {
  return {.min = 5, .max = 5, .presence = presence, .check = all_digits, .check_message = "must be 5 digits"};
}
TextRule recipient_rule(Presence presence) {
  return {.min = 1, .max = 50, .presence = presence};
}
TextRule address_line_rule(Presence presence, std::size_t min) {
  return {.min = min, .max = 200, .presence = presence};
}
TextRule account_username_rule() {
  return {.min = 1, .max = 64};
}
TextRule login_username_rule() {
  return {.min = 1, .max = 64, .kind = infra::domain::TextKind::kAny};
}
TextRule presented_password_rule() {
  return {.min = 1, .max = 128, .kind = infra::domain::TextKind::kAny};
}

}  // namespace shop::user
