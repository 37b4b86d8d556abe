#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/domain/text_rule.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

// The API's rules for product fields (API.md, Catalog, and the category and image_urls extensions),
// stated once for the routes and for the catalog's own callers (seed-demo).
namespace shop::catalog {

using infra::domain::Presence;
using infra::domain::TextRule;

inline constexpr std::int64_t kMaxPrice = 100'000'000;  // won
inline constexpr std::int64_t kMaxStock = 1'000'000'000;
inline constexpr std::int64_t kMaxPurchaseLimit = 1'000'000;
inline constexpr std::int64_t kMaxStockDelta = 1'000'000'000;
inline constexpr std::size_t kMaxImages = 10;

TextRule name_rule(Presence presence = Presence::kRequired);
// Multi-line: line feeds and tabs are kept.
TextRule description_rule(Presence presence = Presence::kOptional);
// A slug: lower-case letters and digits in words joined by single hyphens ("green-tea").
TextRule category_rule(Presence presence = Presence::kOptional);
// An https URL with a host, no spaces.
TextRule image_url_rule();
// RFC 3339 with a time zone, such as 2026-11-20T09:30:00Z.
TextRule time_rule(Presence presence = Presence::kOptional);
// Why stock moved, as a seller writes it.
TextRule reason_rule();
// A search in product names.
TextRule query_rule();

bool valid_slug(std::string_view text);
bool valid_image_url(std::string_view text);

}  // namespace shop::catalog
