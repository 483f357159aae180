#include "core/time.h"

#include <date/date.h>

#include <charconv>
#include <chrono>
#include <sstream>

namespace pim {
namespace {

using Micros = std::chrono::microseconds;
using SysMicros = std::chrono::time_point<std::chrono::system_clock, Micros>;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads `n` digits at `pos`; false if not all digits.
bool ReadDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!IsDigit(s[pos + i])) return false;
    v = v * 10 + (s[pos + i] - '0');
  }
  *out = v;
  return true;
}

struct CivilDate {
  int64_t year;
  unsigned month, day;
};

// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's civil_from_days, the
// algorithm of date.h) in int64: date::year_month_day keeps its year in a short, which wraps past
// year 32767, and Timestamp reaches about year 294000.
CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {int64_t{yoe} + era * 400 + (month <= 2), month, doy - (153 * mp + 2) / 5 + 1};
}

}  // namespace

Result<Timestamp> ParseTimestamp(std::string_view s) {
  auto bad = [&](const char* why) {
    return InvalidArgument("invalid date-time '" + std::string(s) + "': " + why);
  };
  // YYYY-MM-DDTHH:MM:SS
  int y, mo, d, h, mi, sec;
  if (s.size() < 20 || !ReadDigits(s, 0, 4, &y) || s[4] != '-' || !ReadDigits(s, 5, 2, &mo) ||
      s[7] != '-' || !ReadDigits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
      !ReadDigits(s, 11, 2, &h) || s[13] != ':' || !ReadDigits(s, 14, 2, &mi) || s[16] != ':' ||
      !ReadDigits(s, 17, 2, &sec)) {
    return bad("expected YYYY-MM-DDTHH:MM:SS followed by Z or an offset");
  }
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad("no such calendar date");
  if (h > 23 || mi > 59 || sec > 59) return bad("time of day out of range");
  size_t pos = 19;
  int64_t frac_us = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    int64_t scale = 100000;
    while (pos < s.size() && IsDigit(s[pos])) {
      if (digits < 6) frac_us += (s[pos] - '0') * scale;
      scale /= 10;
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad("empty fraction");
    if (digits > 7) return bad("more than 7 fractional digits");
  }
  int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    int oh, om;
    if (!ReadDigits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ReadDigits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return bad("offset must be +HH:MM or -HH:MM");
    }
    offset_s = sign * (oh * 3600 + om * 60);
    pos += 6;
  } else {
    return bad("a time zone ('Z' or +HH:MM) is required");
  }
  if (pos != s.size()) return bad("trailing characters");
  auto days = date::sys_days(ymd).time_since_epoch().count();
  int64_t secs = int64_t{days} * 86400 + h * 3600 + mi * 60 + sec - offset_s;
  return Timestamp::FromMicros(secs * 1000000 + frac_us);
}

std::string FormatTimestamp(Timestamp t) {
  if (t.is_max()) return "9999-12-31T23:59:59Z";
  SysMicros tp{Micros{t.micros()}};
  auto day = date::floor<date::days>(tp);
  const CivilDate ymd = CivilFromDays(day.time_since_epoch().count());
  date::hh_mm_ss<Micros> tod{tp - day};
  const int64_t year = ymd.year;
  // On every response and audit record: digits written in place ("2026-11-26T11:23:58.50562Z").
  char buf[48];
  auto put = [&buf](int at, unsigned value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10) buf[at + i] = char('0' + value % 10);
  };
  int n = 19;
  if (year < 0 || year > 9999) {  // beyond ISO 8601's four digits: rare, formatted the slow way
    n = std::snprintf(buf, 32, "%04lld-%02u-%02uT%02d:%02d:%02d", static_cast<long long>(year),
                      ymd.month, ymd.day, int(tod.hours().count()), int(tod.minutes().count()),
                      int(tod.seconds().count()));
  } else {
    put(0, unsigned(year), 4);
    buf[4] = '-';
    put(5, ymd.month, 2);
    buf[7] = '-';
    put(8, ymd.day, 2);
    buf[10] = 'T';
    put(11, unsigned(tod.hours().count()), 2);
    buf[13] = ':';
    put(14, unsigned(tod.minutes().count()), 2);
    buf[16] = ':';
    put(17, unsigned(tod.seconds().count()), 2);
  }
  if (unsigned frac = unsigned(tod.subseconds().count()); frac != 0) {
    buf[n] = '.';
    put(n + 1, frac, 6);
    n += 7;
    while (buf[n - 1] == '0') --n;  // trailing zeros of the fraction are dropped
  }
  buf[n++] = 'Z';
  return std::string(buf, n);
}

Result<Duration> ParseDuration(std::string_view s) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument("invalid duration '" + std::string(s) + "': " + why);
  };
  if (s.empty()) return bad("empty");
  if (s[0] == '-') return bad("negative durations are not allowed");
  if (s[0] != 'P' && s[0] != 'p') return bad("must start with P");
  size_t pos = 1;
  bool in_time = false, any = false;
  int64_t total_s = 0;
  // Units must appear in order: W D T H M S.
  int last_rank = 0;
  while (pos < s.size()) {
    char c = s[pos];
    if (c == 'T' || c == 't') {
      if (in_time) return bad("repeated T");
      in_time = true;
      ++pos;
      if (pos == s.size()) return bad("T without a time component");
      continue;
    }
    size_t start = pos;
    while (pos < s.size() && IsDigit(s[pos])) ++pos;
    if (pos == start) {
      if (c == '-') return bad("negative durations are not allowed");
      return bad("expected a number");
    }
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      return bad("fractional values are not allowed");
    }
    if (pos == s.size()) return bad("number without a unit");
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data() + start, s.data() + pos, v);
    if (ec != std::errc() || v > 100000000) return bad("number too large");
    char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(s[pos])));
    ++pos;
    int rank;
    int64_t mult;
    if (!in_time) {
      if (unit == 'Y' || unit == 'M') {
        return bad("years and months are ambiguous; use days or weeks");
      }
      if (unit == 'W') {
        rank = 1, mult = 7 * 86400;
      } else if (unit == 'D') {
        rank = 2, mult = 86400;
      } else {
        return bad(std::string("unknown date unit '") + unit + "'");
      }
    } else {
      if (unit == 'H') {
        rank = 3, mult = 3600;
      } else if (unit == 'M') {
        rank = 4, mult = 60;
      } else if (unit == 'S') {
        rank = 5, mult = 1;
      } else {
        return bad(std::string("unknown time unit '") + unit + "'");
      }
    }
    if (rank <= last_rank) return bad("units out of order or repeated");
    last_rank = rank;
    total_s += v * mult;
    any = true;
  }
  if (!any) return bad("no components");
  if (total_s > int64_t{100000} * 86400 * 365) return bad("too long");
  return Duration::Seconds(total_s);
}

std::string FormatDuration(Duration d) {
  int64_t s = d.seconds();
  if (s <= 0) return "PT0S";
  int64_t days = s / 86400, rem = s % 86400;
  int64_t h = rem / 3600, m = (rem % 3600) / 60, sec = rem % 60;
  std::string out = "P";
  if (days) out += std::to_string(days) + "D";
  if (h || m || sec) {
    out += "T";
    if (h) out += std::to_string(h) + "H";
    if (m) out += std::to_string(m) + "M";
    if (sec) out += std::to_string(sec) + "S";
  }
  return out;
}

}  // namespace pim
