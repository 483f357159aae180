// Timestamp and Duration: UTC instants and spans as integer microseconds, with their ISO 8601
// text forms as CONTRACT.md defines them.
//
//   Timestamp: "2026-11-26T05:21:04Z" (fraction only when non-zero); offsets on input are
//   normalised to UTC.
//   Duration: PnW, PnD, PTnHnMnS and combinations (PnDTnH...). P1M/P1Y, fractions and negative
//   values are refused. Canonical output: weeks are written as days, e.g. 7200 s -> "PT2H",
//   90 days -> "P90D", 1 day 2 h -> "P1DT2H".
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace pim {

class Duration {
 public:
  constexpr Duration() = default;
  // Counts beyond the range of int64 microseconds (about 292,000 years) saturate instead of
  // wrapping, so a huge count from a policy never lands in the past.
  static constexpr Duration Micros(int64_t us) { return Duration(us); }
  static constexpr Duration Millis(int64_t ms) { return Scaled(ms, 1000); }
  static constexpr Duration Seconds(int64_t s) { return Scaled(s, 1000000); }
  static constexpr Duration Minutes(int64_t m) { return Scaled(m, int64_t{60} * 1000000); }
  static constexpr Duration Hours(int64_t h) { return Scaled(h, int64_t{3600} * 1000000); }
  static constexpr Duration Days(int64_t d) { return Scaled(d, int64_t{86400} * 1000000); }

  constexpr int64_t micros() const { return us_; }
  constexpr int64_t seconds() const { return us_ / 1000000; }
  constexpr bool positive() const { return us_ > 0; }
  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration(us_ + o.us_); }
  constexpr Duration operator-(Duration o) const { return Duration(us_ - o.us_); }

 private:
  constexpr explicit Duration(int64_t us) : us_(us) {}
  // n * unit_us, clamped to [INT64_MIN, INT64_MAX].
  static constexpr Duration Scaled(int64_t n, int64_t unit_us) {
    if (n > INT64_MAX / unit_us) return Duration(INT64_MAX);
    if (n < INT64_MIN / unit_us) return Duration(INT64_MIN);
    return Duration(n * unit_us);
  }
  int64_t us_ = 0;
};

class Timestamp {
 public:
  constexpr Timestamp() = default;
  static constexpr Timestamp FromMicros(int64_t us) { return Timestamp(us); }
  static constexpr Timestamp FromSeconds(int64_t s) { return Timestamp(s * 1000000); }
  // The largest representable instant; used as "never" for schedules without expiration.
  static constexpr Timestamp Max() { return Timestamp(INT64_MAX); }

  constexpr int64_t micros() const { return us_; }
  constexpr bool is_max() const { return us_ == INT64_MAX; }
  constexpr auto operator<=>(const Timestamp&) const = default;
  constexpr Timestamp operator+(Duration d) const {
    // Saturates at Max() so "start + huge duration" never wraps.
    return (d.micros() > 0 && us_ > INT64_MAX - d.micros()) ? Max() : Timestamp(us_ + d.micros());
  }
  constexpr Timestamp operator-(Duration d) const { return Timestamp(us_ - d.micros()); }
  constexpr Duration operator-(Timestamp o) const { return Duration::Micros(us_ - o.us_); }

 private:
  constexpr explicit Timestamp(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

// Parses an ISO 8601 date-time with 'Z' or a numeric offset ("+01:00"), optional fractional
// seconds (up to microseconds). A missing offset is refused (ambiguous). InvalidArgument on error.
Result<Timestamp> ParseTimestamp(std::string_view text);
// "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"; trailing zeros of the fraction are dropped.
std::string FormatTimestamp(Timestamp t);

// Parses an ISO 8601 duration per the rules above. InvalidArgument (naming the problem) on error.
Result<Duration> ParseDuration(std::string_view text);
// Canonical form; zero is "PT0S".
std::string FormatDuration(Duration d);

}  // namespace pim
