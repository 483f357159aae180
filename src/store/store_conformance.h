// The Store conformance suite: the behaviour store.h promises, checked against every
// implementation. Include this header in one test file per implementation and instantiate it:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest,
//       ::testing::Values(StoreFactory{"sqlite", /*persistent=*/true, [](const std::string& dir) {
//         return std::unique_ptr<Store>(SqliteStore::Open(dir + "/pim.db")->release()); }}),
//       StoreFactoryName);
//
// The factory opens (or re-opens) the store kept in `dir`, a fresh temporary directory per test;
// it returns nullptr on failure. `persistent` stores must keep everything across Close + reopen.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "core/ids.h"
#include "core/temp_dir_testing.h"
#include "store/store.h"

namespace pim {

struct StoreFactory {
  std::string name;
  bool persistent = false;
  std::function<std::unique_ptr<Store>(const std::string& dir)> open;
};

// Keeps GoogleTest from printing the factory's bytes.
inline void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

inline std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

// A GUID made from `n` (FormatGuidV4 of its bits, mixed): a pure function of n, and distinct
// for the few thousand n a test uses.
inline std::string TestGuid(uint64_t n) {
  auto mix = [](uint64_t x) {  // splitmix64's finaliser
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  const uint64_t halves[2] = {mix(n * 2 + 1), mix(n * 2 + 2)};
  unsigned char bytes[16];
  std::memcpy(bytes, halves, sizeof bytes);
  return FormatGuidV4(bytes);
}

class StoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam().open(dir_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    if (store_ != nullptr) store_->Close();
    store_.reset();
  }
  void Reopen() {
    store_->Close();
    store_.reset();
    store_ = GetParam().open(dir_);
    ASSERT_NE(store_, nullptr);
  }

  static ObjectWrite Put(std::string kind, std::string id, std::string body) {
    return ObjectWrite{std::move(kind), std::move(id), std::move(body), false};
  }
  static ObjectWrite Erase(std::string kind, std::string id) {
    return ObjectWrite{std::move(kind), std::move(id), "", true};
  }
  static ChangeSet Objects(std::vector<ObjectWrite> writes) {
    ChangeSet changes;
    changes.objects = std::move(writes);
    return changes;
  }
  static SealedAuditRecord Record(int64_t seq) {
    SealedAuditRecord r;
    r.seq = seq;
    r.time = Timestamp::FromSeconds(1795651200 + seq);
    r.id = TestGuid(static_cast<uint64_t>(seq));
    r.category = seq % 2 == 0 ? "RoleManagement" : "UserManagement";
    r.activity = "activity " + std::to_string(seq);
    r.initiator_id = "user-" + std::to_string(seq % 3);
    r.canonical = "{\"seq\":" + std::to_string(seq) + "}";
    r.prev_hash = std::string(64, static_cast<char>('a' + (seq - 1) % 6));
    r.hash = std::string(64, static_cast<char>('a' + seq % 6));
    return r;
  }
  // Ids of `kind` in load order, "id=body" each.
  std::vector<std::string> Load(const std::string& kind) {
    Result<std::vector<StoredObject>> objects = store_->LoadObjects(kind);
    EXPECT_TRUE(objects.ok()) << objects.status().ToString();
    std::vector<std::string> out;
    if (!objects.ok()) return out;
    for (const StoredObject& o : *objects) {
      EXPECT_EQ(o.kind, kind);
      out.push_back(o.id + "=" + o.body);
    }
    // The one-pass load (start-up's) must give every kind exactly what LoadObjects gives.
    std::vector<std::string> from_all;
    size_t total = 0;
    Status st = store_->ForEachObject([&](StoredObject o) {
      ++total;
      if (o.kind == kind) from_all.push_back(o.id + "=" + o.body);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(from_all, out) << "ForEachObject differs from LoadObjects for " << kind;
    EXPECT_GE(total, out.size());
    // An error from the visitor stops the pass and comes back.
    if (total > 0) {
      size_t calls = 0;
      Status stop = store_->ForEachObject([&](StoredObject) {
        ++calls;
        return Internal("stop here");
      });
      EXPECT_EQ(stop.message(), "stop here");
      EXPECT_EQ(calls, 1u);
    }
    return out;
  }
  static std::vector<int64_t> Seqs(const Result<std::vector<SealedAuditRecord>>& records) {
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    std::vector<int64_t> out;
    if (records.ok()) {
      for (const SealedAuditRecord& r : *records) out.push_back(r.seq);
    }
    return out;
  }
  void CommitAudit(int64_t first, int64_t last) {
    ChangeSet changes;
    for (int64_t seq = first; seq <= last; ++seq) changes.audit.push_back(Record(seq));
    ASSERT_TRUE(store_->Commit(std::move(changes)).ok());
  }

  TempDir temp_{"pim-store"};
  std::string dir_ = temp_.path();
  std::unique_ptr<Store> store_;
};

using Strings = std::vector<std::string>;

TEST_P(StoreConformanceTest, ObjectsRoundTripPerKind) {
  ASSERT_TRUE(store_
                  ->Commit(Objects({Put("user", "u1", R"({"n":1})"), Put("group", "g1", "{}"),
                                    Put("user", "u2", R"({"n":"ü\u0000"})")}))
                  .ok());
  EXPECT_EQ(Load("user"), (Strings{R"(u1={"n":1})", R"(u2={"n":"ü\u0000"})"}));
  EXPECT_EQ(Load("group"), (Strings{"g1={}"}));
  EXPECT_EQ(Load("policy"), Strings{});
}

TEST_P(StoreConformanceTest, OverwriteKeepsFirstWrittenPosition) {
  ASSERT_TRUE(store_->Commit(Objects({Put("k", "a", "1"), Put("k", "b", "1")})).ok());
  ASSERT_TRUE(store_->Commit(Objects({Put("k", "c", "1"), Put("k", "a", "2")})).ok());
  EXPECT_EQ(Load("k"), (Strings{"a=2", "b=1", "c=1"}));
}

TEST_P(StoreConformanceTest, EraseRemovesAndRewriteGoesLast) {
  ASSERT_TRUE(
      store_->Commit(Objects({Put("k", "a", "1"), Put("k", "b", "1"), Put("k", "c", "1")})).ok());
  ASSERT_TRUE(store_->Commit(Objects({Erase("k", "b"), Erase("k", "missing")})).ok());
  EXPECT_EQ(Load("k"), (Strings{"a=1", "c=1"}));
  ASSERT_TRUE(store_->Commit(Objects({Put("k", "b", "2")})).ok());
  EXPECT_EQ(Load("k"), (Strings{"a=1", "c=1", "b=2"}));
  // Within one change set writes apply in order.
  ASSERT_TRUE(store_
                  ->Commit(Objects(
                      {Put("k", "d", "1"), Erase("k", "d"), Erase("k", "a"), Put("k", "a", "3")}))
                  .ok());
  EXPECT_EQ(Load("k"), (Strings{"c=1", "b=2", "a=3"}));
}

TEST_P(StoreConformanceTest, EmptyChangeSetCommitsAndRunsCallback) {
  bool ran = false;
  EXPECT_TRUE(store_->Commit(ChangeSet{}, [&] { ran = true; }).ok());
  EXPECT_TRUE(ran);
}

TEST_P(StoreConformanceTest, AfterCommitSeesDataAndRunsBeforeFutureIsReady) {
  std::atomic<bool> ran{false};
  std::vector<std::string> seen;
  std::shared_future<Status> done = store_->Submit(Objects({Put("k", "a", "1")}), [&] {
    seen = Load("k");
    ran = true;
  });
  ASSERT_TRUE(done.get().ok());
  EXPECT_TRUE(ran.load());  // set before the future became ready
  EXPECT_EQ(seen, (Strings{"a=1"}));
}

// Like the engine: change sets are submitted under a lock, in a global order, from many threads;
// the store must commit them (and run callbacks) in exactly that order.
TEST_P(StoreConformanceTest, CommitsInSubmissionOrderAcrossThreads) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::mutex engine_lock;
  int64_t next = 1;
  std::vector<int64_t> callback_order;  // written on the writer thread only
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        std::shared_future<Status> done;
        {
          std::lock_guard<std::mutex> lock(engine_lock);
          int64_t seq = next++;
          ChangeSet changes;
          changes.objects.push_back(Put("counter", "c", std::to_string(seq)));
          changes.objects.push_back(Put("item", std::to_string(seq), "{}"));
          changes.audit.push_back(Record(seq));
          done = store_->Submit(std::move(changes), [&, seq] { callback_order.push_back(seq); });
        }
        EXPECT_TRUE(done.get().ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  constexpr int64_t kTotal = kThreads * kPerThread;
  ASSERT_EQ(callback_order.size(), static_cast<size_t>(kTotal));
  Strings items;
  for (int64_t i = 1; i <= kTotal; ++i) {
    EXPECT_EQ(callback_order[i - 1], i);
    items.push_back(std::to_string(i) + "={}");
  }
  EXPECT_EQ(Load("counter"), (Strings{"c=" + std::to_string(kTotal)}));
  EXPECT_EQ(Load("item"), items);
  std::vector<int64_t> seqs = Seqs(store_->ReadAuditAscending(1, 1000));
  ASSERT_EQ(seqs.size(), static_cast<size_t>(kTotal));
  for (int64_t i = 1; i <= kTotal; ++i) EXPECT_EQ(seqs[i - 1], i);
}

TEST_P(StoreConformanceTest, AuditRecordsRoundTripAllFields) {
  CommitAudit(1, 2);
  Result<std::vector<SealedAuditRecord>> read = store_->ReadAuditAscending(2, 10);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  const SealedAuditRecord& r = (*read)[0];
  SealedAuditRecord want = Record(2);
  EXPECT_EQ(r.seq, want.seq);
  EXPECT_EQ(r.time, want.time);
  EXPECT_EQ(r.id, want.id);
  EXPECT_EQ(r.category, want.category);
  EXPECT_EQ(r.activity, want.activity);
  EXPECT_EQ(r.initiator_id, want.initiator_id);
  EXPECT_EQ(r.canonical, want.canonical);
  EXPECT_EQ(r.prev_hash, want.prev_hash);
  EXPECT_EQ(r.hash, want.hash);
}

TEST_P(StoreConformanceTest, AuditPagesAscendingAndDescending) {
  CommitAudit(1, 10);
  CommitAudit(11, 25);
  EXPECT_EQ(Seqs(store_->ReadAuditAscending(1, 10)),
            (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(Seqs(store_->ReadAuditAscending(21, 10)), (std::vector<int64_t>{21, 22, 23, 24, 25}));
  EXPECT_EQ(Seqs(store_->ReadAuditAscending(26, 10)), std::vector<int64_t>{});
  EXPECT_EQ(Seqs(store_->ReadAuditDescending(0, 4)), (std::vector<int64_t>{25, 24, 23, 22}));
  EXPECT_EQ(Seqs(store_->ReadAuditDescending(22, 4)), (std::vector<int64_t>{21, 20, 19, 18}));
  EXPECT_EQ(Seqs(store_->ReadAuditDescending(3, 4)), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(Seqs(store_->ReadAuditDescending(1, 4)), std::vector<int64_t>{});
}

TEST_P(StoreConformanceTest, LatestCheckpointIsTheNewestCommitted) {
  Result<std::optional<AuditCheckpoint>> none = store_->LatestCheckpoint();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  std::vector<std::shared_future<Status>> pending;
  for (int64_t seq = 1; seq <= 5; ++seq) {
    ChangeSet changes;
    changes.audit.push_back(Record(seq));
    changes.checkpoint = AuditCheckpoint{seq, Record(seq).hash, Timestamp::FromSeconds(100 + seq),
                                         "sig" + std::to_string(seq)};
    pending.push_back(store_->Submit(std::move(changes)));
  }
  for (auto& f : pending) ASSERT_TRUE(f.get().ok());
  ASSERT_TRUE(store_->Commit(Objects({Put("k", "a", "1")})).ok());  // no checkpoint: keeps it
  Result<std::optional<AuditCheckpoint>> latest = store_->LatestCheckpoint();
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->seq, 5);
  EXPECT_EQ((*latest)->head_hash, Record(5).hash);
  EXPECT_EQ((*latest)->time, Timestamp::FromSeconds(105));
  EXPECT_EQ((*latest)->signature, "sig5");
}

// Checkpoints left unsigned are signed by the store on its writer thread: the one it keeps of each
// transaction, never a superseded one, and the stored checkpoint carries that signature.
TEST_P(StoreConformanceTest, SignsOnlyTheCheckpointItKeeps) {
  std::mutex mu;
  std::vector<int64_t> signed_seqs;
  std::vector<std::shared_future<Status>> pending;
  constexpr int64_t kCount = 40;
  for (int64_t seq = 1; seq <= kCount; ++seq) {
    ChangeSet changes;
    changes.audit.push_back(Record(seq));
    changes.checkpoint = AuditCheckpoint{seq, Record(seq).hash, Timestamp::FromSeconds(seq), ""};
    changes.sign_checkpoint = [&](AuditCheckpoint& checkpoint) {
      std::lock_guard<std::mutex> lock(mu);
      signed_seqs.push_back(checkpoint.seq);
      checkpoint.signature = "signed-" + std::to_string(checkpoint.seq);
    };
    pending.push_back(store_->Submit(std::move(changes)));
  }
  for (auto& f : pending) ASSERT_TRUE(f.get().ok());
  Result<std::optional<AuditCheckpoint>> latest = store_->LatestCheckpoint();
  ASSERT_TRUE(latest.ok());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->seq, kCount);
  EXPECT_EQ((*latest)->signature, "signed-" + std::to_string(kCount));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_FALSE(signed_seqs.empty());
  EXPECT_LE(signed_seqs.size(), static_cast<size_t>(kCount));
  EXPECT_EQ(signed_seqs.back(), kCount);
  for (size_t i = 1; i < signed_seqs.size(); ++i) EXPECT_LT(signed_seqs[i - 1], signed_seqs[i]);
}

TEST_P(StoreConformanceTest, OutboxListsPendingEventsOldestFirst) {
  ChangeSet first;
  first.outbox.push_back(
      OutboxEvent{"e1", "roleActivated", R"({"a":1})", Timestamp::FromSeconds(5)});
  first.outbox.push_back(OutboxEvent{"e2", "approvalRequested", "{}", Timestamp::FromSeconds(6)});
  ASSERT_TRUE(store_->Commit(std::move(first)).ok());
  ChangeSet second;
  second.outbox.push_back(OutboxEvent{"e3", "roleExpired", "{}", Timestamp::FromSeconds(7)});
  ASSERT_TRUE(store_->Commit(std::move(second)).ok());
  Result<std::vector<OutboxEvent>> all = store_->PendingOutbox(10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, "e1");
  EXPECT_EQ((*all)[0].type, "roleActivated");
  EXPECT_EQ((*all)[0].payload, R"({"a":1})");
  EXPECT_EQ((*all)[0].created, Timestamp::FromSeconds(5));
  EXPECT_EQ((*all)[1].id, "e2");
  EXPECT_EQ((*all)[2].id, "e3");
  Result<std::vector<OutboxEvent>> two = store_->PendingOutbox(2);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].id, "e2");
}

TEST_P(StoreConformanceTest, CloseCommitsWhatWasSubmittedAndRefusesMore) {
  std::vector<std::shared_future<Status>> pending;
  for (int i = 0; i < 20; ++i) {
    pending.push_back(store_->Submit(Objects({Put("k", std::to_string(i), "{}")})));
  }
  store_->Close();
  store_->Close();  // idempotent
  for (auto& f : pending) EXPECT_TRUE(f.get().ok());
  EXPECT_FALSE(store_->Commit(Objects({Put("k", "late", "{}")})).ok());
  EXPECT_EQ(Load("k").size(), 20u);
}

// Enqueue is Submit without the future: committed in the same order as submitted change sets,
// its callback run, and refused after Close() through on_failure.
TEST_P(StoreConformanceTest, EnqueuedChangeSetsCommitInOrderWithSubmittedOnes) {
  std::vector<std::string> order;  // written on the writer thread only
  std::vector<std::shared_future<Status>> pending;
  for (int i = 0; i < 10; ++i) {
    const std::string id = std::to_string(i);
    ChangeSet changes = Objects({Put("k", id, "{}")});
    changes.on_failure = [&order, id](const Status&) { order.push_back("failed " + id); };
    if (i % 2 == 0) {
      store_->Enqueue(std::move(changes), [&order, id] { order.push_back(id); });
    } else {
      pending.push_back(store_->Submit(std::move(changes), [&order, id] { order.push_back(id); }));
    }
  }
  for (auto& f : pending) EXPECT_TRUE(f.get().ok());  // the last one: every callback has run
  EXPECT_EQ(order, (Strings{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
  EXPECT_EQ(Load("k").size(), 10u);

  store_->Close();
  Status refused;
  ChangeSet late = Objects({Put("k", "late", "{}")});
  late.on_failure = [&refused](const Status& status) { refused = status; };
  bool committed = false;
  store_->Enqueue(std::move(late), [&committed] { committed = true; });
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable);
  EXPECT_FALSE(committed);
  EXPECT_EQ(Load("k").size(), 10u);
}

TEST_P(StoreConformanceTest, FindsAuditRecordsByTheirIdAcrossChunks) {
  auto expect_found = [&](int64_t seq) {
    Result<std::optional<SealedAuditRecord>> found = store_->FindAuditRecord(Record(seq).id);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    ASSERT_TRUE(found->has_value()) << seq;
    EXPECT_EQ((*found)->seq, seq);
    EXPECT_EQ((*found)->canonical, Record(seq).canonical);
    EXPECT_EQ((*found)->hash, Record(seq).hash);
  };
  // One complete chunk of 4,096 records (the SQLite store keeps a filter of each, and its reader
  // a copy of the filters) and part of a second, looked up before the second is complete.
  CommitAudit(1, 5000);
  for (int64_t seq : {1, 4096, 4097, 5000}) expect_found(seq);
  // The second chunk completes, a third starts: lookups see their records.
  CommitAudit(5001, 9000);
  for (int64_t seq : {1, 2, 4096, 4097, 5000, 5001, 8192, 8193, 9000}) expect_found(seq);
  std::string upper = Record(7).id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& absent :
       {TestGuid(123456789), std::string("not-a-guid"), upper, std::string()}) {
    Result<std::optional<SealedAuditRecord>> found = store_->FindAuditRecord(absent);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    EXPECT_FALSE(found->has_value()) << absent;  // ids match exactly, as stored
  }
}

TEST_P(StoreConformanceTest, ReopenKeepsEverything) {
  if (!GetParam().persistent) GTEST_SKIP() << "not a persistent store";
  ASSERT_TRUE(
      store_->Commit(Objects({Put("k", "a", "1"), Put("k", "b", "1"), Put("k", "c", "1")})).ok());
  ASSERT_TRUE(store_->Commit(Objects({Put("k", "a", "2"), Erase("k", "b")})).ok());
  ChangeSet changes;
  for (int64_t seq = 1; seq <= 3; ++seq) changes.audit.push_back(Record(seq));
  changes.checkpoint = AuditCheckpoint{3, Record(3).hash, Timestamp::FromSeconds(9), "sig"};
  changes.outbox.push_back(OutboxEvent{"e1", "t", "{}", Timestamp::FromSeconds(9)});
  ASSERT_TRUE(store_->Commit(std::move(changes)).ok());

  Reopen();
  EXPECT_EQ(Load("k"), (Strings{"a=2", "c=1"}));
  EXPECT_EQ(Seqs(store_->ReadAuditAscending(1, 10)), (std::vector<int64_t>{1, 2, 3}));
  Result<std::optional<AuditCheckpoint>> checkpoint = store_->LatestCheckpoint();
  ASSERT_TRUE(checkpoint.ok());
  ASSERT_TRUE(checkpoint->has_value());
  EXPECT_EQ((*checkpoint)->seq, 3);
  EXPECT_EQ((*checkpoint)->signature, "sig");
  Result<std::vector<OutboxEvent>> outbox = store_->PendingOutbox(10);
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ((*outbox)[0].id, "e1");

  // Insertion order continues after the reopen.
  ASSERT_TRUE(store_->Commit(Objects({Put("k", "d", "1"), Put("k", "a", "3")})).ok());
  CommitAudit(4, 4);
  Reopen();
  EXPECT_EQ(Load("k"), (Strings{"a=3", "c=1", "d=1"}));
  EXPECT_EQ(Seqs(store_->ReadAuditDescending(0, 10)), (std::vector<int64_t>{4, 3, 2, 1}));
}

}  // namespace pim
