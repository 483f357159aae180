// MemoryStore-specific behaviour (the shared Store semantics are in store_conformance.h).
#include "store/memory_store.h"

#include <gtest/gtest.h>

#include <vector>

#include "store/store_conformance.h"

namespace pim {
namespace {

INSTANTIATE_TEST_SUITE_P(Memory, StoreConformanceTest,
                         ::testing::Values(StoreFactory{
                             "memory", /*persistent=*/false,
                             [](const std::string&) -> std::unique_ptr<Store> {
                               return std::make_unique<MemoryStore>();
                             }}),
                         StoreFactoryName);

ChangeSet OneObject(const std::string& id, const std::string& body) {
  ChangeSet changes;
  changes.objects.push_back(ObjectWrite{"user", id, body});
  return changes;
}

TEST(MemoryStoreTest, FailNextCommitsFailsExactlyThatManySubmissions) {
  MemoryStore store;
  store.FailNextCommits(2);
  bool ran = false;
  Status first = store.Commit(OneObject("a", "{}"), [&] { ran = true; });
  Status second = store.Commit(OneObject("b", "{}"));
  Status third = store.Commit(OneObject("c", "{}"));
  EXPECT_EQ(first.code(), StatusCode::kInternal);
  EXPECT_EQ(second.code(), StatusCode::kInternal);
  EXPECT_TRUE(third.ok()) << third.ToString();
  EXPECT_FALSE(ran);
  Result<std::vector<StoredObject>> users = store.LoadObjects("user");
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].id, "c");
}

TEST(MemoryStoreTest, FailedSubmissionKeepsItsPlaceInOrder) {
  MemoryStore store;
  std::vector<int> order;
  auto f1 = store.Submit(OneObject("a", "{}"), [&] { order.push_back(1); });
  store.FailNextCommits(1);
  auto f2 = store.Submit(OneObject("b", "{}"), [&] { order.push_back(2); });
  auto f3 = store.Submit(OneObject("c", "{}"), [&] { order.push_back(3); });
  EXPECT_TRUE(f1.get().ok());
  EXPECT_FALSE(f2.get().ok());
  EXPECT_TRUE(f3.get().ok());
  EXPECT_EQ(order, (std::vector<int>{1, 3}));
}

TEST(MemoryStoreTest, SubmitAfterCloseFails) {
  MemoryStore store;
  store.Close();
  EXPECT_EQ(store.Commit(OneObject("a", "{}")).code(), StatusCode::kUnavailable);
}

TEST(MemoryStoreTest, TamperWithAuditEditsStoredRecords) {
  MemoryStore store;
  ChangeSet changes;
  SealedAuditRecord record;
  record.seq = 1;
  record.canonical = "x";
  changes.audit.push_back(record);
  ASSERT_TRUE(store.Commit(std::move(changes)).ok());
  store.TamperWithAudit(
      [](std::vector<SealedAuditRecord>& records) { records[0].canonical = "y"; });
  Result<std::vector<SealedAuditRecord>> read = store.ReadAuditAscending(1, 10);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].canonical, "y");
}

}  // namespace
}  // namespace pim
