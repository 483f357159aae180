#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/ids.h"
#include "core/scope.h"
#include "core/time.h"

namespace pim {
namespace {

TEST(IsLoopbackTest, KnowsLoopbackAddresses) {
  for (const char* yes : {"127.0.0.1", "127.1.2.3", "::1", "localhost", "LocalHost"}) {
    EXPECT_TRUE(IsLoopbackHost(yes)) << yes;
  }
  for (const char* no : {"0.0.0.0", "10.0.0.1", "::", "example.com", "128.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(no)) << no;
  }
}

TEST(TimestampTest, ParsesZuluAndFormatsWithoutZeroFraction) {
  auto t = ParseTimestamp("2026-11-26T05:21:04Z");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(FormatTimestamp(*t), "2026-11-26T05:21:04Z");
  EXPECT_EQ(t->micros(), int64_t{1795670464} * 1000000);
}

TEST(TimestampTest, NormalisesOffsetsAndKeepsFraction) {
  auto t = ParseTimestamp("2026-11-26T06:21:04.5+01:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatTimestamp(*t), "2026-11-26T05:21:04.5Z");
}

TEST(TimestampTest, FormatsEveryFractionAndRoundTrips) {
  auto base = ParseTimestamp("2026-01-02T03:04:05Z");
  ASSERT_TRUE(base.ok());
  auto at = [&](int64_t us) { return Timestamp::FromMicros(base->micros() + us); };
  EXPECT_EQ(FormatTimestamp(at(1)), "2026-01-02T03:04:05.000001Z");
  EXPECT_EQ(FormatTimestamp(at(10)), "2026-01-02T03:04:05.00001Z");
  EXPECT_EQ(FormatTimestamp(at(120000)), "2026-01-02T03:04:05.12Z");
  EXPECT_EQ(FormatTimestamp(at(999999)), "2026-01-02T03:04:05.999999Z");
  EXPECT_EQ(FormatTimestamp(Timestamp::FromMicros(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("0001-01-01T00:00:00Z")), "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2024-02-29T23:59:59.5Z")), "2024-02-29T23:59:59.5Z");
  // Instants spread over centuries, with every kind of fraction, survive a round trip.
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 10000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    Timestamp t = Timestamp::FromMicros(static_cast<int64_t>(x % 250'000'000'000'000'000ull));
    Result<Timestamp> back = ParseTimestamp(FormatTimestamp(t));
    ASSERT_TRUE(back.ok()) << FormatTimestamp(t);
    ASSERT_EQ(back->micros(), t.micros()) << FormatTimestamp(t);
  }
}

TEST(TimestampTest, RefusesMalformed) {
  for (const char* bad :
       {"", "2026-11-26", "2026-11-26T05:21:04", "2026-02-30T00:00:00Z", "2026-11-26T25:00:00Z",
        "2026-11-26T05:21:04Zjunk", "yesterday", "2026-11-26T05:21:04+1:00"}) {
    EXPECT_FALSE(ParseTimestamp(bad).ok()) << bad;
  }
}

TEST(TimestampTest, FormatsYearsPastTheCalendarLibrarysRange) {
  // A start in 9999 plus a long duration (both accepted on input) lands far beyond year 32767,
  // where date::year wraps: year 70000 came out as "4464-01-01T00:00:00Z".
  const int64_t year_10000 = 2932897;  // days from 1970-01-01 to 10000-01-01
  const int64_t cycle = 146097;        // days in 400 Gregorian years
  auto at_day = [](int64_t days) { return Timestamp::FromSeconds(days * 86400); };
  EXPECT_EQ(FormatTimestamp(at_day(year_10000)), "10000-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(at_day(year_10000 + 75 * cycle)), "40000-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(at_day(year_10000 + 150 * cycle) + Duration::Seconds(3661)),
            "70000-01-01T01:01:01Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("9999-12-31T23:59:59Z") + Duration::Days(36500000)),
            "109933-08-09T23:59:59Z");
}

TEST(DurationTest, ParsesAndFormatsCanonically) {
  EXPECT_EQ(FormatDuration(*ParseDuration("PT7200S")), "PT2H");
  EXPECT_EQ(FormatDuration(*ParseDuration("P90D")), "P90D");
  EXPECT_EQ(FormatDuration(*ParseDuration("P2W")), "P14D");
  EXPECT_EQ(FormatDuration(*ParseDuration("P1DT2H30M")), "P1DT2H30M");
  EXPECT_EQ(ParseDuration("PT1H30M")->seconds(), 5400);
  EXPECT_EQ(ParseDuration("pt5m")->seconds(), 300);
}

TEST(DurationTest, RefusesAmbiguousNegativeFractionalAndMalformed) {
  for (const char* bad : {"", "P", "PT", "P1M", "P1Y", "-PT1H", "PT-1H", "PT1.5H", "PT1H1H",
                          "PT30M1H", "1H", "PT1", "PTH", "P1H", "PT1D"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

TEST(DurationTest, HugeCountsSaturateInsteadOfWrapping) {
  // 106751992 days is just past the int64 microsecond range: it must not wrap negative.
  EXPECT_EQ(Duration::Days(106751992), Duration::Micros(INT64_MAX));
  EXPECT_EQ(Duration::Days(INT32_MAX), Duration::Micros(INT64_MAX));
  EXPECT_EQ(Duration::Hours(INT64_MAX / 1000), Duration::Micros(INT64_MAX));
  EXPECT_EQ(Duration::Seconds(-INT64_MAX / 10), Duration::Micros(INT64_MIN));
  EXPECT_EQ(Duration::Days(106751991).seconds(), int64_t{106751991} * 86400);
  EXPECT_TRUE((Timestamp::FromSeconds(1800000000) + Duration::Days(106751992)).is_max());
}

TEST(ScopeTest, NormalisesAndCovers) {
  EXPECT_EQ(*NormalizeScope("/"), "/");
  EXPECT_EQ(*NormalizeScope("/A/b"), "/a/b");
  EXPECT_FALSE(NormalizeScope("").ok());
  EXPECT_FALSE(NormalizeScope("a").ok());
  EXPECT_FALSE(NormalizeScope("/a/").ok());
  EXPECT_FALSE(NormalizeScope("/a//b").ok());
  EXPECT_TRUE(ScopeCovers("/", "/x"));
  EXPECT_TRUE(ScopeCovers("/a", "/a/b"));
  EXPECT_TRUE(ScopeCovers("/a", "/a"));
  EXPECT_FALSE(ScopeCovers("/a", "/ab"));
  EXPECT_FALSE(ScopeCovers("/a/b", "/a"));
  EXPECT_EQ(ParentScope("/a/b"), "/a");
  EXPECT_EQ(ParentScope("/a"), "/");
  EXPECT_EQ(ParentScope("/"), "");
}

TEST(IdsTest, SequentialIdsAreGuids) {
  SequentialIdGenerator ids;
  std::string a = ids.NewId(), b = ids.NewId();
  EXPECT_TRUE(IsGuid(a));
  EXPECT_NE(a, b);
  EXPECT_FALSE(IsGuid("not-a-guid"));
}

TEST(FakeClockTest, MovesOnlyWhenTold) {
  FakeClock clock;
  Timestamp t0 = clock.Now();
  EXPECT_EQ(clock.Now(), t0);
  clock.Advance(Duration::Seconds(5));
  EXPECT_EQ(clock.Now() - t0, Duration::Seconds(5));
}

}  // namespace
}  // namespace pim
