#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/ids.h"
#include "core/scope.h"
#include "core/time.h"

namespace pim {
namespace {

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

TEST(TimestampTest, RefusesMalformed) {
  for (const char* bad :
       {"", "2026-11-26", "2026-11-26T05:21:04", "2026-02-30T00:00:00Z", "2026-11-26T25:00:00Z",
        "2026-11-26T05:21:04Zjunk", "yesterday", "2026-11-26T05:21:04+1:00"}) {
    EXPECT_FALSE(ParseTimestamp(bad).ok()) << bad;
  }
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
