#include "store/sqlite/audit_id_filter.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace pim::sqlite {
namespace {

AuditIdFilter::Guid RandomGuid(std::mt19937_64& rng) {
  AuditIdFilter::Guid g;
  for (size_t i = 0; i < g.size(); i += 8) {
    uint64_t x = rng();
    for (size_t j = 0; j < 8; ++j) g[i + j] = static_cast<uint8_t>(x >> (8 * j));
  }
  return g;
}

TEST(AuditIdFilterTest, ParsesGuidsOnly) {
  auto g = AuditIdFilter::ParseGuid("0c13a7c7-78f4-47a1-B174-89aac66a1884");
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ((*g)[0], 0x0c);
  EXPECT_EQ((*g)[8], 0xb1);
  EXPECT_EQ((*g)[15], 0x84);
  for (const char* bad :
       {"", "0c13a7c7-78f4-47a1-b174-89aac66a188", "0c13a7c778f4-47a1-b174-89aac66a18845",
        "0c13a7c7-78f4-47a1-b174-89aac66a188g", "0c13a7c7_78f4-47a1-b174-89aac66a1884",
        "{c13a7c7-78f4-47a1-b174-89aac66a1884}"}) {
    EXPECT_FALSE(AuditIdFilter::ParseGuid(bad).has_value()) << bad;
  }
}

TEST(AuditIdFilterTest, ChunksCoverSeqsFromOne) {
  EXPECT_EQ(AuditIdFilter::ChunkOf(1), 0);
  EXPECT_EQ(AuditIdFilter::ChunkOf(4096), 0);
  EXPECT_EQ(AuditIdFilter::ChunkOf(4097), 1);
  EXPECT_EQ(AuditIdFilter::FirstSeq(1), 4097);
  EXPECT_EQ(AuditIdFilter::LastSeq(1), 8192);
}

TEST(AuditIdFilterTest, NeverMissesAnAddedIdAndRarelyClaimsAnother) {
  std::mt19937_64 rng(42);
  AuditIdFilter filter;
  std::set<AuditIdFilter::Guid> added;
  while (added.size() < static_cast<size_t>(AuditIdFilter::kChunk)) added.insert(RandomGuid(rng));
  for (const auto& g : added) filter.Add(g);
  for (const auto& g : added) EXPECT_TRUE(filter.MayContain(g));
  int claimed = 0;
  constexpr int kOthers = 20000;
  for (int i = 0; i < kOthers; ++i) {
    AuditIdFilter::Guid g = RandomGuid(rng);
    if (!added.count(g) && filter.MayContain(g)) ++claimed;
  }
  // 10 bits and 7 probes per id: ~0.8% in theory.
  EXPECT_LT(claimed, kOthers * 2 / 100);

  // Stored and read back, it answers the same; anything but its size is not a filter.
  auto copy = AuditIdFilter::FromBytes(filter.bytes());
  ASSERT_TRUE(copy.has_value());
  for (const auto& g : added) EXPECT_TRUE(copy->MayContain(g));
  EXPECT_FALSE(AuditIdFilter::FromBytes(filter.bytes().substr(1)).has_value());
  EXPECT_FALSE(AuditIdFilter().MayContain(*added.begin()));
}

}  // namespace
}  // namespace pim::sqlite
