#pragma once

#include "shop/infra/clock/clock.hpp"

#include <optional>
#include <string>
#include <string_view>

// Time points as text: RFC 3339 in UTC for the API ("2026-11-20T09:30:00Z"), and the ISO form
// PostgreSQL reads and writes for timestamptz ("2026-11-20 09:30:00.123456+00"). The one place
// shopd turns times into text and back.
namespace shop::infra::clock {

// "2026-11-20T09:30:00Z": whole seconds (the API's form), the fraction cut off.
std::string format_rfc3339(TimePoint time);
// "2026-11-20T09:30:00.123456Z": exact to the microsecond.
std::string format_rfc3339_micros(TimePoint time);

// RFC 3339 as a client sends it: date, 'T', time with optional fraction, then 'Z' or an offset
// such as "+09:00". nullopt for anything else, or a date that does not exist.
std::optional<TimePoint> parse_rfc3339(std::string_view text);

// PostgreSQL's output for timestamptz under DateStyle ISO: a space or 'T' between date and time,
// and an offset of "+00", "+0530" or "+05:30". Also takes everything parse_rfc3339 does.
std::optional<TimePoint> parse_iso_timestamp(std::string_view text);

}  // namespace shop::infra::clock
