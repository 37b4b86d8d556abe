#include "shop/infra/clock/time_text.hpp"

#include <chrono>
#include <type_traits>

namespace shop::infra::clock {
namespace {

using namespace std::chrono;

// Reads exactly `n` digits at `pos`; advances pos.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += n;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// Writes `value` as exactly `width` decimal digits ending just before `end`.
void put_digits(char* end, long long value, int width) {
  for (int i = 0; i < width; ++i, value /= 10) *--end = static_cast<char>('0' + value % 10);
}

std::string format(TimePoint time, bool micros) {
  const auto us = floor<microseconds>(time);
  const auto day = floor<days>(us);
  const year_month_day ymd{day};
  const hh_mm_ss hms{us - day};
  // Digit by digit, not through fmt: every timestamp parameter and JSON field goes through here.
  // A TimePoint counts nanoseconds, so its years (1677 to 2262) always take four digits.
  static_assert(std::is_same_v<TimePoint::duration, nanoseconds>);
  std::string out(micros ? 27 : 20, '\0');
  char* p = out.data();
  put_digits(p + 4, static_cast<int>(ymd.year()), 4);
  p[4] = '-';
  put_digits(p + 7, static_cast<unsigned>(ymd.month()), 2);
  p[7] = '-';
  put_digits(p + 10, static_cast<unsigned>(ymd.day()), 2);
  p[10] = 'T';
  put_digits(p + 13, hms.hours().count(), 2);
  p[13] = ':';
  put_digits(p + 16, hms.minutes().count(), 2);
  p[16] = ':';
  put_digits(p + 19, hms.seconds().count(), 2);
  if (micros) {
    p[19] = '.';
    put_digits(p + 26, hms.subseconds().count(), 6);
  }
  out.back() = 'Z';
  return out;
}

// Both forms: rfc3339_only demands the 'T', and the offset as 'Z' or "+HH:MM".
std::optional<TimePoint> parse(std::string_view text, bool rfc3339_only) {
  std::size_t pos = 0;
  const auto y = digits(text, pos, 4);
  if (!y || !expect(text, pos, '-')) return std::nullopt;
  const auto mo = digits(text, pos, 2);
  if (!mo || !expect(text, pos, '-')) return std::nullopt;
  const auto d = digits(text, pos, 2);
  if (!d || pos >= text.size()) return std::nullopt;
  const char sep = text[pos++];
  if (!(sep == 'T' || sep == 't' || (!rfc3339_only && sep == ' '))) return std::nullopt;
  const auto h = digits(text, pos, 2);
  if (!h || !expect(text, pos, ':')) return std::nullopt;
  const auto mi = digits(text, pos, 2);
  if (!mi || !expect(text, pos, ':')) return std::nullopt;
  const auto s = digits(text, pos, 2);
  if (!s) return std::nullopt;
  long long micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int places = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (places < 6) micros = micros * 10 + (text[pos] - '0');
      ++places;
      ++pos;
    }
    if (places == 0) return std::nullopt;
    for (; places < 6; ++places) micros *= 10;
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos++] == '-' ? -1 : 1;
    const auto oh = digits(text, pos, 2);
    if (!oh) return std::nullopt;
    int om = 0;
    if (pos < text.size()) {
      const bool colon = expect(text, pos, ':');
      if (rfc3339_only && !colon) return std::nullopt;
      const auto m = digits(text, pos, 2);
      if (!m) return std::nullopt;
      om = *m;
    } else if (rfc3339_only) {
      return std::nullopt;
    }
    if (*oh > 23 || om > 59) return std::nullopt;
    offset_minutes = sign * (*oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  const year_month_day ymd{year(*y), month(static_cast<unsigned>(*mo)), day(static_cast<unsigned>(*d))};
  // 60 seconds: a leap second, which the system clock folds into the next minute's start.
  if (!ymd.ok() || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
  const auto at =
      sys_days(ymd) + hours(*h) + minutes(*mi) + seconds(*s) + microseconds(micros) - minutes(offset_minutes);
  return time_point_cast<TimePoint::duration>(at);
}

}  // namespace

std::string format_rfc3339(TimePoint time) {
  return format(time, false);
}
std::string format_rfc3339_micros(TimePoint time) {
  return format(time, true);
}
std::optional<TimePoint> parse_rfc3339(std::string_view text) {
  return parse(text, true);
}
std::optional<TimePoint> parse_iso_timestamp(std::string_view text) {
  return parse(text, false);
}

}  // namespace shop::infra::clock
