#include "shop/infra/clock/time_text.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace std::chrono;
using shop::infra::clock::format_rfc3339;
using shop::infra::clock::format_rfc3339_micros;
using shop::infra::clock::parse_rfc3339;
using shop::infra::clock::TimePoint;

namespace {

TimePoint at(year_month_day date, microseconds time_of_day) {
  return TimePoint{duration_cast<TimePoint::duration>(sys_days{date}.time_since_epoch() + time_of_day)};
}

}  // namespace

TEST_CASE("times format as RFC 3339 in UTC, whole seconds or microseconds", "[unit]") {
  const auto t = at(2026y / 11 / 20, hours{9} + minutes{30} + seconds{7} + microseconds{123456});
  CHECK(format_rfc3339(t) == "2026-11-20T09:30:07Z");
  CHECK(format_rfc3339_micros(t) == "2026-11-20T09:30:07.123456Z");
  CHECK(format_rfc3339_micros(at(2026y / 1 / 2, microseconds{5})) == "2026-01-02T00:00:00.000005Z");
  CHECK(format_rfc3339(at(1970y / 1 / 1, microseconds{0})) == "1970-01-01T00:00:00Z");
  // Before the epoch the fraction still counts forward from the whole second.
  CHECK(format_rfc3339_micros(at(1969y / 12 / 31, hours{23} + minutes{59} + seconds{59} + microseconds{1})) ==
        "1969-12-31T23:59:59.000001Z");
  // The ends of what a TimePoint (nanoseconds) can hold.
  CHECK(format_rfc3339(TimePoint::max()) == "2262-04-11T23:47:16Z");
  CHECK(format_rfc3339_micros(TimePoint::min()) == "1677-09-21T00:12:43.145224Z");
}

TEST_CASE("formatted times parse back to the same instant", "[unit]") {
  for (const auto t : {at(2026y / 2 / 28, hours{23} + microseconds{999999}), at(2000y / 2 / 29, seconds{1}),
                       at(1999y / 12 / 31, hours{12} + minutes{1} + microseconds{10})}) {
    CHECK(parse_rfc3339(format_rfc3339_micros(t)) == t);
    CHECK(parse_rfc3339(format_rfc3339(t)) == floor<seconds>(t));
  }
}
