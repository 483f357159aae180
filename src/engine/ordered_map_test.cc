#include "engine/ordered_map.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace pim {
namespace {

struct Item {
  std::string id;
  std::string principal_id;
  int version = 0;
};

// The ids `visit` passes to the callback it is given.
template <typename Visit>
std::vector<std::string> Visited(Visit visit) {
  std::vector<std::string> ids;
  visit([&](const Item& x) { ids.push_back(x.id); });
  return ids;
}

// Puts each (id, principal) in order.
void PutAll(OrderedMap<Item>& map, const std::vector<std::pair<std::string, std::string>>& items) {
  for (const auto& [id, principal] : items) map.Put(id, {id, principal});
}

std::vector<std::string> All(const OrderedMap<Item>& map) {
  return Visited([&](auto f) { map.ForEach(f); });
}

std::vector<std::string> Of(const OrderedMap<Item>& map, const std::vector<std::string>& who) {
  return Visited([&](auto f) { map.ForEachOfAny(who, f); });
}

std::vector<std::string> Current(const OrderedMap<Item>& map, const std::string& who) {
  return Visited([&](auto f) { map.ForEachCurrentOf(who, f); });
}

using Ids = std::vector<std::string>;

TEST(OrderedMapTest, KeepsInsertionOrderAcrossReplacements) {
  OrderedMap<Item> map;
  map.Put("a", {"a", "alice"});
  map.Put("b", {"b", "bob"});
  map.Put("c", {"c", "alice"});
  map.Put("a", {"a", "alice", 2});  // replaced in place
  EXPECT_EQ(All(map), (Ids{"a", "b", "c"}));
  EXPECT_EQ(map.Find("a")->version, 2);
  EXPECT_EQ(map.Find("z"), nullptr);
  EXPECT_TRUE(map.Erase("b"));
  EXPECT_FALSE(map.Erase("b"));
  EXPECT_EQ(All(map), (Ids{"a", "c"}));
  EXPECT_EQ(map.size(), 2u);
}

TEST(OrderedMapTest, ForEachOfAnyMergesPrincipalsInInsertionOrder) {
  OrderedMap<Item> map;
  PutAll(map, {{"1", "group"}, {"2", "alice"}, {"3", "bob"}, {"4", "group"}, {"5", "alice"}});
  EXPECT_EQ(Of(map, {"alice"}), (Ids{"2", "5"}));
  EXPECT_EQ(Of(map, {"alice", "group"}), (Ids{"1", "2", "4", "5"}));
  EXPECT_EQ(Of(map, {"group", "alice", "group"}), (Ids{"1", "2", "4", "5"}));  // each once
  EXPECT_EQ(Of(map, {"nobody"}), Ids{});
  EXPECT_EQ(Visited([&](auto f) { map.ForEachOf("group", f); }), (Ids{"1", "4"}));
}

TEST(OrderedMapTest, AChangedPrincipalMovesTheObjectButKeepsItsPlace) {
  OrderedMap<Item> map;
  map.Put("1", {"1", "alice"});
  map.Put("2", {"2", "bob"});
  map.Put("3", {"3", "bob"});
  map.Put("3", {"3", "alice"});
  map.Put("1", {"1", "bob"});
  EXPECT_EQ(Of(map, {"alice"}), (Ids{"3"}));
  EXPECT_EQ(Of(map, {"bob"}), (Ids{"1", "2"}));  // "1" comes first: it was created first
  EXPECT_TRUE(map.Erase("2"));
  EXPECT_EQ(Of(map, {"bob", "alice"}), (Ids{"1", "3"}));
  EXPECT_EQ(All(map), (Ids{"1", "3"}));
}

TEST(OrderedMapTest, RetiredObjectsLeaveOnlyTheCurrentLists) {
  OrderedMap<Item> map;
  PutAll(map, {{"1", "alice"}, {"2", "alice"}, {"3", "alice"}, {"4", "bob"}});
  map.Retire("2");
  map.Retire("4");
  map.Retire("2");  // again: no-op
  map.Retire("z");  // absent: no-op
  EXPECT_EQ(Current(map, "alice"), (Ids{"1", "3"}));
  EXPECT_EQ(Current(map, "bob"), Ids{});
  EXPECT_EQ(Of(map, {"alice", "bob"}), (Ids{"1", "2", "3", "4"}));  // history keeps them
  EXPECT_EQ(All(map), (Ids{"1", "2", "3", "4"}));

  // Putting a retired object again makes it current, in its place; so does moving it to
  // another principal. Erasing a retired object forgets it everywhere.
  map.Put("2", {"2", "alice", 2});
  EXPECT_EQ(Current(map, "alice"), (Ids{"1", "2", "3"}));
  map.Retire("1");
  map.Put("1", {"1", "bob", 2});
  EXPECT_EQ(Current(map, "bob"), (Ids{"1"}));
  EXPECT_EQ(Current(map, "alice"), (Ids{"2", "3"}));
  map.Retire("3");
  EXPECT_TRUE(map.Erase("3"));
  EXPECT_TRUE(map.Erase("4"));
  EXPECT_EQ(Current(map, "alice"), (Ids{"2"}));
  EXPECT_EQ(Of(map, {"alice", "bob"}), (Ids{"1", "2"}));
  map.Put("3", {"3", "alice"});  // a new object is current
  EXPECT_EQ(Current(map, "alice"), (Ids{"2", "3"}));
}

}  // namespace
}  // namespace pim
