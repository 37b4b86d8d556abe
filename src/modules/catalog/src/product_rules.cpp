#include "product_rules.hpp"

#include "shop/infra/clock/time_text.hpp"

#include <algorithm>

namespace shop::catalog {
namespace {

bool lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

bool valid_slug(std::string_view text) {
  if (text.empty() || text.front() == '-' || text.back() == '-' || text.find("--") != std::string_view::npos)
    return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return lower_alnum(c) || c == '-'; });
}

bool valid_image_url(std::string_view text) {
  constexpr std::string_view kScheme = "https://";
  if (!text.starts_with(kScheme)) return false;
  const auto rest = text.substr(kScheme.size());
  const auto host = rest.substr(0, rest.find_first_of("/?#"));
  // No userinfo: "https://good.example@evil.example/" shows one host and fetches another.
  if (host.empty() || host.find('@') != std::string_view::npos || host.front() == ':' || host.front() == '.')
    return false;
  return std::none_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '`';
  });
}

TextRule name_rule(Presence presence) {
  return {.min = 1, .max = 100, .presence = presence};
}

TextRule description_rule(Presence presence) {
  return {.min = 0, .max = 5000, .presence = presence, .kind = infra::domain::TextKind::kMultiLine};
}

TextRule category_rule(Presence presence) {
  return {.min = 1,
          .max = 50,
          .presence = presence,
          .check = valid_slug,
          .check_message = "must be a slug: a-z and 0-9 in words joined by single hyphens"};
}

TextRule image_url_rule() {
  return {.min = 12, .max = 2048, .check = valid_image_url, .check_message = "must be an https URL"};
}

TextRule time_rule(Presence presence) {
  return {.min = 20,
          .max = 40,
          .presence = presence,
          .check = [](std::string_view t) { return infra::clock::parse_rfc3339(t).has_value(); },
          .check_message = "must be an RFC 3339 time such as 2026-11-20T09:30:00Z"};
}

TextRule reason_rule() {
  return {.min = 1, .max = 200, .presence = Presence::kOptional};
}

TextRule query_rule() {
  return {.min = 1, .max = 100};
}

}  // namespace shop::catalog
