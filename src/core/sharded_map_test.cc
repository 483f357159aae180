#include "core/sharded_map.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <unordered_map>

#include "core/guid_testing.h"
#include "core/ids.h"

namespace pim {
namespace {

using Map = ShardedMap<std::unordered_map<std::string, int>, 16>;

TEST(ShardedMapTest, EachKeyLivesInItsOwnShardOnly) {
  Map m;
  std::mt19937_64 rng(42);
  std::vector<std::string> keys;
  for (int i = 0; i < 2000; ++i) {
    keys.push_back(RandomGuid(rng));
    m.Shard(keys.back())[keys.back()] = i;
  }
  EXPECT_EQ(m.size(), 2000u);
  for (int i = 0; i < 2000; ++i) {
    const auto& shard = m.Shard(keys[i]);
    auto it = shard.find(keys[i]);
    ASSERT_NE(it, shard.end()) << keys[i];
    EXPECT_EQ(it->second, i);
  }
  // ForEach visits every element once.
  std::set<std::string> seen;
  m.ForEach([&](const auto& kv) { EXPECT_TRUE(seen.insert(kv.first).second); });
  EXPECT_EQ(seen.size(), 2000u);
  EXPECT_EQ(m.Shard(keys[7]).erase(keys[7]), 1u);
  EXPECT_EQ(m.size(), 1999u);
  m.clear();
  EXPECT_TRUE(m.empty());
}

// What the sharding is for: no shard holds much more than its share, so no single rehash is
// much more than 1/16 of the whole map's. For random GUIDs (pimd) and for the sequential ids of
// the tests alike.
template <typename NextId>
void ExpectEvenSpread(NextId next_id) {
  Map m;
  std::vector<std::string> keys;
  for (int i = 0; i < 16000; ++i) {
    keys.push_back(next_id());
    m.Shard(keys.back())[keys.back()] = i;
  }
  std::set<const void*> shards;
  size_t largest = 0;
  for (const std::string& key : keys) {
    const auto& shard = m.Shard(key);
    shards.insert(&shard);
    largest = std::max(largest, shard.size());
  }
  EXPECT_EQ(shards.size(), 16u);
  EXPECT_LT(largest, 1300u);  // 1000 expected, standard deviation ~31
}

TEST(ShardedMapTest, SpreadsRandomGuidsOverEveryShard) {
  std::mt19937_64 rng(42);
  ExpectEvenSpread([&] { return RandomGuid(rng); });
}

TEST(ShardedMapTest, SpreadsSequentialIdsOverEveryShard) {
  SequentialIdGenerator ids;
  ExpectEvenSpread([&] { return ids.NewId(); });
}

}  // namespace
}  // namespace pim
