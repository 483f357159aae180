#include "engine/throttle_table.h"

#include <gtest/gtest.h>

namespace pim {
namespace {

SignInThrottle Throttle(const std::string& source, int failures) {
  SignInThrottle t;
  t.source = source;
  t.failures = failures;
  return t;
}

Timestamp At(int64_t seconds) { return Timestamp::FromMicros(seconds * 1000000); }

TEST(ThrottleTableTest, EvictsInOrderOfExpiryAfterReplacements) {
  ThrottleTable table;
  EXPECT_EQ(table.FirstToExpire(), nullptr);
  table.Put(Throttle("10.0.0.1", 1), At(10));
  table.Put(Throttle("10.0.0.2", 1), At(20));
  table.Put(Throttle("10.0.0.3", 1), At(15));
  ASSERT_NE(table.FirstToExpire(), nullptr);
  EXPECT_EQ(*table.FirstToExpire(), "10.0.0.1");
  // A later failure from 10.0.0.1 moves its expiry past the others': its old expiry is gone.
  table.Put(Throttle("10.0.0.1", 2), At(30));
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.Find("10.0.0.1")->failures, 2);
  EXPECT_EQ(*table.FirstToExpire(), "10.0.0.3");
  table.Erase("10.0.0.3");
  EXPECT_EQ(*table.FirstToExpire(), "10.0.0.2");
  table.Erase("10.0.0.2");
  table.Erase("10.0.0.9");  // absent: no-op
  EXPECT_EQ(*table.FirstToExpire(), "10.0.0.1");
  EXPECT_TRUE(table.Contains("10.0.0.1"));
  EXPECT_FALSE(table.Contains("10.0.0.2"));
  EXPECT_EQ(table.Find("10.0.0.2"), nullptr);
  table.Erase("10.0.0.1");
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.FirstToExpire(), nullptr);
}

}  // namespace
}  // namespace pim
