// SqliteStore: the conformance suite plus what only SQLite does (group commit, migrations,
// pragmas, failed batches).
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <latch>
#include <mutex>
#include <thread>

#include "core/temp_dir_testing.h"
#include "store/sqlite/audit_id_filter.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/wal_checkpointer.h"
#include "store/store_conformance.h"

namespace pim {
namespace {

std::unique_ptr<Store> OpenSqlite(const std::string& dir) {
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(dir + "/pim.db");
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  return std::move(store).value();
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest,
                         ::testing::Values(StoreFactory{"sqlite", /*persistent=*/true, OpenSqlite}),
                         StoreFactoryName);

// Runs SQL on the database file directly, as an outsider would.
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// The first column of the first row, as bytes (a BLOB's too).
std::string RawQueryText(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_blob(stmt, 0) != nullptr) {
    out.assign(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
               static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> MustOpen() {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  // A writer connection to a new WAL database (synchronous=FULL) with an empty table
  // t (id, body), for the checkpointer's tests.
  Result<sqlite::Connection> OpenWalTable() {
    ASSIGN_OR_RETURN(sqlite::Connection writer, sqlite::Connection::Open(path_, 1000));
    RETURN_IF_ERROR(
        writer.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                    "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"));
    return writer;
  }
  static ChangeSet Put(const std::string& id) {
    ChangeSet changes;
    changes.objects.push_back(ObjectWrite{"k", id, "{}"});
    return changes;
  }

  TempDir temp_{"pim-sqlite"};
  std::string dir_ = temp_.path();
  std::string path_ = dir_ + "/pim.db";
};

// Holds the writer thread until released, so that submissions made meanwhile are all waiting
// when it wakes up. The writer is held where it signs the held change set's checkpoint: after
// taking its batch, before committing it.
class WriterGate {
 public:
  ChangeSet Hold(ChangeSet changes) {
    changes.checkpoint = AuditCheckpoint{};
    changes.sign_checkpoint = [this](AuditCheckpoint&) {
      std::unique_lock<std::mutex> lock(mu_);
      entered_ = true;
      cv_.notify_all();
      cv_.wait(lock, [this] { return open_; });
    };
    return changes;
  }
  // Returns once the writer thread is held (its batch taken, nothing else).
  void WaitHeld() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return entered_; });
  }
  void Open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool open_ = false;
};

TEST_F(SqliteStoreTest, GroupCommitPutsConcurrentSubmissionsInOneTransaction) {
  std::unique_ptr<SqliteStore> store = MustOpen();
  ASSERT_NE(store, nullptr);
  WriterGate gate;
  std::shared_future<Status> first = store->Submit(gate.Hold(Put("first")));
  gate.WaitHeld();
  constexpr int kThreads = 64;
  std::latch submitted(kThreads);
  std::vector<std::shared_future<Status>> futures(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      futures[i] = store->Submit(Put("t" + std::to_string(i)));
      submitted.count_down();
    });
  }
  submitted.wait();  // all 64 are queued behind the held writer
  gate.Open();
  for (std::thread& t : threads) t.join();
  EXPECT_TRUE(first.get().ok());
  for (auto& f : futures) EXPECT_TRUE(f.get().ok());
  EXPECT_EQ(store->commit_count(), 2);  // the first, then all 64 together
  EXPECT_EQ(store->change_set_count(), 65);
  Result<std::vector<StoredObject>> objects = store->LoadObjects("k");
  ASSERT_TRUE(objects.ok());
  EXPECT_EQ(objects->size(), static_cast<size_t>(kThreads + 1));
}

TEST_F(SqliteStoreTest, FailedBatchFailsEveryFutureAndWritesNothing) {
  std::unique_ptr<SqliteStore> store = MustOpen();
  ASSERT_NE(store, nullptr);
  ChangeSet seed;
  seed.audit.push_back(SealedAuditRecord{});
  seed.audit.back().seq = 1;
  ASSERT_TRUE(store->Commit(std::move(seed)).ok());

  WriterGate gate;
  std::shared_future<Status> held = store->Submit(gate.Hold(Put("held")));
  gate.WaitHeld();
  std::atomic<int> callbacks{0};
  std::shared_future<Status> good = store->Submit(Put("a"), [&] { ++callbacks; });
  ChangeSet duplicate = Put("b");
  duplicate.audit.push_back(SealedAuditRecord{});
  duplicate.audit.back().seq = 1;  // violates the audit primary key
  std::shared_future<Status> bad = store->Submit(std::move(duplicate), [&] { ++callbacks; });
  gate.Open();
  EXPECT_TRUE(held.get().ok());
  EXPECT_EQ(good.get().code(), StatusCode::kInternal);
  EXPECT_EQ(bad.get().code(), StatusCode::kInternal);
  EXPECT_EQ(callbacks.load(), 0);
  Result<std::vector<StoredObject>> objects = store->LoadObjects("k");
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 1u);
  EXPECT_EQ((*objects)[0].id, "held");
  // The store keeps working after a failed batch, and has forgotten what it rolled back: "a"
  // is written again as a new object.
  EXPECT_TRUE(store->Commit(Put("c")).ok());
  EXPECT_TRUE(store->Commit(Put("a")).ok());
  objects = store->LoadObjects("k");
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 3u);
  EXPECT_EQ((*objects)[1].id, "c");
  EXPECT_EQ((*objects)[2].id, "a");
}

// A database made by schema version 1 (objects keyed by (kind, id)) is migrated in place: every
// object and outbox event stays, in the same order, and later writes find the migrated rows.
// Another process holding the write lock past the busy timeout (a sqlite3 shell left in BEGIN
// IMMEDIATE) delays commits instead of failing them: a failed commit stops pimd. Nothing is
// written before the lock is taken, so waiting is safe; Close() ends the wait.
TEST_F(SqliteStoreTest, ACommitWaitsForALockAnotherConnectionHoldsPastTheBusyTimeout) {
  Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(path_, /*busy_timeout_ms=*/20);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<SqliteStore> store = std::move(opened).value();
  Result<sqlite::Connection> other = sqlite::Connection::Open(path_, 20);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(other->Exec("BEGIN IMMEDIATE").ok());
  std::shared_future<Status> done = store->Submit(Put("a"));
  for (int i = 0; i < 2000 && store->lock_wait_count() < 3; ++i) {
    if (done.wait_for(std::chrono::milliseconds(5)) == std::future_status::ready) break;
  }
  ASSERT_EQ(done.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
      << "the commit ended while the lock was held: " << done.get().ToString();
  ASSERT_TRUE(other->Exec("COMMIT").ok());
  ASSERT_TRUE(done.get().ok()) << done.get().ToString();
  EXPECT_EQ(store->LoadObjects("k")->size(), 1u);

  ASSERT_TRUE(other->Exec("BEGIN IMMEDIATE").ok());  // and this time it is never released
  std::shared_future<Status> stuck = store->Submit(Put("b"));
  for (int i = 0; i < 2000 && store->lock_wait_count() < 6; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  store->Close();
  EXPECT_EQ(stuck.get().code(), StatusCode::kUnavailable);
  EXPECT_EQ(stuck.get().error_code(), kStoreClosed);  // stopped waiting: not a failed commit
  ASSERT_TRUE(other->Exec("ROLLBACK").ok());
}

TEST_F(SqliteStoreTest, MigratesVersionOneObjects) {
  RawExec(path_,
          "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
          "NULL);" +
              sqlite::Migrations()[0].sql +
              "INSERT INTO schema_migrations VALUES (1, 'initial schema');"
              "INSERT INTO objects (kind, id, body, seq) VALUES ('k', 'z', '\"z1\"', 1),"
              "('j', 'x', '\"x1\"', 2), ('k', 'a', '\"a1\"', 3);"
              "INSERT INTO outbox (id, type, payload, created_us) VALUES "
              "('e2', 'second', '{}', 20), ('e1', 'first', '{}', 10);");
  std::unique_ptr<SqliteStore> store = MustOpen();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), sqlite::LatestSchemaVersion());
  ChangeSet changes;
  changes.objects.push_back(ObjectWrite{"k", "z", "\"z2\""});  // overwrite: keeps its place
  changes.objects.push_back(ObjectWrite{"k", "b", "\"b1\""});  // new: goes last
  changes.objects.push_back(ObjectWrite{"j", "x", "", true});
  ASSERT_TRUE(store->Commit(std::move(changes)).ok());
  Result<std::vector<StoredObject>> k = store->LoadObjects("k");
  ASSERT_TRUE(k.ok());
  ASSERT_EQ(k->size(), 3u);
  EXPECT_EQ((*k)[0].id, "z");
  EXPECT_EQ((*k)[0].body, "\"z2\"");
  EXPECT_EQ((*k)[1].id, "a");
  EXPECT_EQ((*k)[2].id, "b");
  Result<std::vector<StoredObject>> j = store->LoadObjects("j");
  ASSERT_TRUE(j.ok());
  EXPECT_TRUE(j->empty());
  // Outbox events keep their order (migration 3 rebuilds the table).
  Result<std::vector<OutboxEvent>> outbox = store->PendingOutbox(10);
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 2u);
  EXPECT_EQ((*outbox)[0].id, "e2");
  EXPECT_EQ((*outbox)[1].type, "first");
  store->Close();
  EXPECT_EQ(RawQueryText(path_,
                         "SELECT group_concat(seq || ':' || kind || ':' || id, ' ') FROM "
                         "(SELECT * FROM objects ORDER BY seq)"),
            "1:k:z 3:k:a 4:k:b");
  // Migration 4: appends pay for no index on kind or on the outbox's delivery time.
  EXPECT_EQ(RawQueryText(path_,
                         "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                         "AND tbl_name IN ('objects', 'outbox')"),
            "0");
}

// The after-commit callbacks run on the writer thread, in commit order, before it takes its next
// batch: what is submitted while a callback runs waits for it, then commits as one group, and
// each future is ready only after its own callback.
TEST_F(SqliteStoreTest, CallbacksRunBeforeTheNextBatchWhichGathersWhatArrivedMeanwhile) {
  std::unique_ptr<SqliteStore> store = MustOpen();
  ASSERT_NE(store, nullptr);
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false, release = false;
  std::vector<std::string> order;
  const std::thread::id test_thread = std::this_thread::get_id();
  std::thread::id callback_thread;
  std::shared_future<Status> first = store->Submit(Put("first"), [&] {
    std::unique_lock<std::mutex> lock(mu);
    callback_thread = std::this_thread::get_id();
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
    order.push_back("first");
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return entered; });
  }
  std::vector<std::shared_future<Status>> later;
  for (int i = 0; i < 3; ++i) {
    later.push_back(store->Submit(Put("later" + std::to_string(i)), [&, i] {
      std::lock_guard<std::mutex> lock(mu);
      order.push_back("later" + std::to_string(i));
    }));
  }
  // Nothing more is committed while the first callback runs, and nothing is acknowledged.
  EXPECT_EQ(later.back().wait_for(std::chrono::milliseconds(20)), std::future_status::timeout);
  EXPECT_EQ(first.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  EXPECT_EQ(store->commit_count(), 1);
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(first.get().ok());
  for (auto& f : later) EXPECT_TRUE(f.get().ok());
  EXPECT_EQ(store->commit_count(), 2);  // the three that waited went in one transaction
  EXPECT_EQ(order, (std::vector<std::string>{"first", "later0", "later1", "later2"}));
  EXPECT_NE(callback_thread, test_thread);
  Result<std::vector<StoredObject>> objects = store->LoadObjects("k");
  ASSERT_TRUE(objects.ok());
  EXPECT_EQ(objects->size(), 4u);
}

// Checkpoints happen on the checkpointer's thread, and the log stays bounded under a steady
// stream of commits (the writer copies the rest itself at the cap, so the log can restart).
TEST_F(SqliteStoreTest, WalCheckpointerCopiesInTheBackgroundAndBoundsTheLog) {
  Result<sqlite::Connection> writer = OpenWalTable();
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  constexpr int kThreshold = 8, kCap = 64, kRows = 600;
  Result<std::unique_ptr<sqlite::WalCheckpointer>> checkpointer =
      sqlite::WalCheckpointer::Start(path_, 1000, *writer, kThreshold, kCap);
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.status().ToString();
  const std::string wal = path_ + "-wal";
  uintmax_t largest = 0;
  for (int i = 0; i < kRows; ++i) {
    ASSERT_TRUE(writer->Exec("INSERT INTO t (body) VALUES (printf('%.3000c', 'x'))").ok());
    largest = std::max(largest, std::filesystem::file_size(wal));
  }
  for (int i = 0; i < 2000 && (*checkpointer)->background_checkpoints() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_GT((*checkpointer)->background_checkpoints(), 0);
  // 600 rows of 3 KB are ~600 pages: without restarts the log would hold them all.
  EXPECT_LT(largest, uintmax_t{2 * kCap * (4096 + 24)});
  (*checkpointer)->Stop();
  EXPECT_EQ(RawQueryText(path_, "SELECT count(*) FROM t"), std::to_string(kRows));
}

// SQLite's WAL header counts the log's restarts (its checkpoint sequence number, bytes 12-15,
// big-endian; written with the first frame after each restart).
uint32_t WalRestarts(const std::string& wal) {
  std::ifstream in(wal, std::ios::binary);
  unsigned char header[16] = {};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  EXPECT_TRUE(in) << wal;
  return (uint32_t{header[12]} << 24) | (uint32_t{header[13]} << 16) | (uint32_t{header[14]} << 8) |
         uint32_t{header[15]};
}

// The thread's copy races the writer's commits, so it leaves the last of them in the log; the
// writer copies that rest at its next commit, and the log starts over at the one after. Here a
// reader's snapshot stands for the race: it stops the thread's copy short of the log's end.
TEST_F(SqliteStoreTest, WalCheckpointerWriterFinishesTheThreadsCopySoTheLogRestarts) {
  Result<sqlite::Connection> writer = OpenWalTable();
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  constexpr int kThreshold = 8, kCap = 1'000'000;  // no checkpoint at the cap here
  Result<std::unique_ptr<sqlite::WalCheckpointer>> started =
      sqlite::WalCheckpointer::Start(path_, 1000, *writer, kThreshold, kCap);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  sqlite::WalCheckpointer& checkpointer = **started;
  const std::string insert = "INSERT INTO t (body) VALUES (printf('%.3000c', 'x'));";
  ASSERT_TRUE(writer->Exec(insert).ok());  // the log is not empty: the reader reads from it

  Result<sqlite::Connection> reader = sqlite::Connection::Open(path_, 1000);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(reader->Exec("BEGIN; SELECT count(*) FROM t;").ok());
  std::string many = "BEGIN;";
  for (int i = 0; i < 2 * kThreshold; ++i) many += insert;
  ASSERT_TRUE(writer->Exec(many + "COMMIT;").ok());  // past the threshold: the thread copies
  for (int i = 0; i < 2000 && checkpointer.background_checkpoints() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(checkpointer.background_checkpoints(), 1);
  EXPECT_EQ(checkpointer.writer_checkpoints(), 0);
  ASSERT_TRUE(reader->Exec("COMMIT").ok());
  const uint32_t restarts = WalRestarts(path_ + "-wal");

  ASSERT_TRUE(writer->Exec(insert).ok());  // copies the rest
  EXPECT_EQ(checkpointer.writer_checkpoints(), 1);
  EXPECT_EQ(WalRestarts(path_ + "-wal"), restarts);
  ASSERT_TRUE(writer->Exec(insert).ok());  // finds the log fully copied and starts it over
  EXPECT_EQ(WalRestarts(path_ + "-wal"), restarts + 1);
  EXPECT_EQ(checkpointer.background_checkpoints(), 1);
  EXPECT_EQ(checkpointer.cap_checkpoints(), 0);
  checkpointer.Stop();
  EXPECT_EQ(RawQueryText(path_, "SELECT count(*) FROM t"), std::to_string(3 + 2 * kThreshold));
}

// When nothing is committed during the thread's copy, the log starts over by itself at the next
// transaction; the thread's answer is then about the old log and must not make the writer copy
// the new one when it next reaches the threshold (the thread is asked instead).
TEST_F(SqliteStoreTest, WalCheckpointerIgnoresAnAnswerAboutALogThatStartedOver) {
  Result<sqlite::Connection> writer = OpenWalTable();
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  constexpr int kThreshold = 8, kCap = 1'000'000;
  Result<std::unique_ptr<sqlite::WalCheckpointer>> started =
      sqlite::WalCheckpointer::Start(path_, 1000, *writer, kThreshold, kCap);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  sqlite::WalCheckpointer& checkpointer = **started;
  const std::string insert = "INSERT INTO t (body) VALUES (printf('%.3000c', 'x'));";
  std::string many = "BEGIN;";
  for (int i = 0; i < 2 * kThreshold; ++i) many += insert;
  many += "COMMIT;";
  auto wait_for_background = [&](int64_t n) {
    for (int i = 0; i < 2000 && checkpointer.background_checkpoints() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return checkpointer.background_checkpoints();
  };

  ASSERT_TRUE(writer->Exec(many).ok());  // past the threshold: the thread copies all of it
  ASSERT_EQ(wait_for_background(1), 1);
  const uint32_t restarts = WalRestarts(path_ + "-wal");
  ASSERT_TRUE(writer->Exec(insert).ok());  // the log starts over
  EXPECT_EQ(WalRestarts(path_ + "-wal"), restarts + 1);
  ASSERT_TRUE(writer->Exec(many).ok());  // the new log reaches the threshold
  EXPECT_EQ(checkpointer.writer_checkpoints(), 0);
  EXPECT_EQ(wait_for_background(2), 2);
  checkpointer.Stop();
  EXPECT_EQ(RawQueryText(path_, "SELECT count(*) FROM t"), std::to_string(1 + 4 * kThreshold));
}

// A reader's snapshot (a long query, a backup) keeps the log from restarting until it ends. The
// checkpoints must not be retried at every commit meanwhile (that halved pimd's write rate), and
// when the reader ends the backlog is copied by the thread, not by the writer at the cap.
TEST_F(SqliteStoreTest, WalCheckpointerBacksOffWhileAReaderHoldsTheLog) {
  Result<sqlite::Connection> writer = OpenWalTable();
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  constexpr int kThreshold = 8, kCap = 64, kHeldCommits = 400;
  Result<std::unique_ptr<sqlite::WalCheckpointer>> started =
      sqlite::WalCheckpointer::Start(path_, 1000, *writer, kThreshold, kCap);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  sqlite::WalCheckpointer& checkpointer = **started;
  const std::string insert = "INSERT INTO t (body) VALUES (printf('%.3000c', 'x'));";
  ASSERT_TRUE(writer->Exec(insert).ok());
  Result<sqlite::Connection> reader = sqlite::Connection::Open(path_, 1000);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(reader->Exec("BEGIN; SELECT count(*) FROM t;").ok());
  const uint32_t restarts = WalRestarts(path_ + "-wal");
  for (int i = 0; i < kHeldCommits; ++i) {
    ASSERT_TRUE(writer->Exec(insert).ok());
    if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // thread's turn
  }
  EXPECT_EQ(WalRestarts(path_ + "-wal"), restarts);  // held: the log could not start over
  // At most one attempt (the thread's copy, and the writer's of the rest) per threshold of
  // frames, not one per commit.
  const int64_t frames =
      static_cast<int64_t>(std::filesystem::file_size(path_ + "-wal") / (4096 + 24));
  const int64_t attempts =
      checkpointer.writer_checkpoints() + checkpointer.background_checkpoints();
  EXPECT_LE(attempts, 2 * (frames / kThreshold + 1)) << frames << " frames";
  EXPECT_LT(attempts, kHeldCommits / 2) << frames << " frames";
  EXPECT_EQ(checkpointer.cap_checkpoints(), 0);

  ASSERT_TRUE(reader->Exec("COMMIT").ok());
  for (int i = 0; i < 200 && WalRestarts(path_ + "-wal") == restarts; ++i) {
    ASSERT_TRUE(writer->Exec(insert).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_GT(WalRestarts(path_ + "-wal"), restarts);  // the backlog was copied: it started over
  EXPECT_EQ(checkpointer.cap_checkpoints(), 0);      // by the thread, not by the writer at the cap
  checkpointer.Stop();
  const int rows = std::stoi(RawQueryText(path_, "SELECT count(*) FROM t"));
  EXPECT_GT(rows, 1 + kHeldCommits);
}

// The filter of a chunk covers all of its records, also those written before a restart in its
// middle; a database from before the filters gets them when it is opened.
TEST_F(SqliteStoreTest, AuditIdFiltersCoverEveryCompleteChunkAcrossRestarts) {
  auto commit = [](Store& store, int64_t first, int64_t last) {
    ChangeSet changes;
    for (int64_t seq = first; seq <= last; ++seq) {
      SealedAuditRecord r;
      r.seq = seq;
      r.id = TestGuid(static_cast<uint64_t>(seq));
      r.canonical = "{}";
      changes.audit.push_back(r);
    }
    return store.Commit(std::move(changes));
  };
  std::unique_ptr<SqliteStore> store = MustOpen();
  ASSERT_TRUE(commit(*store, 1, 5000).ok());
  store->Close();
  store = MustOpen();
  ASSERT_TRUE(commit(*store, 5001, 9000).ok());
  store->Close();
  store.reset();
  EXPECT_EQ(RawQueryText(path_, "SELECT group_concat(chunk) FROM audit_id_filters"), "0,1");
  auto filter = sqlite::AuditIdFilter::FromBytes(
      RawQueryText(path_, "SELECT bits FROM audit_id_filters WHERE chunk = 1"));
  ASSERT_TRUE(filter.has_value());
  for (int64_t seq = 4097; seq <= 8192; ++seq) {
    auto guid = sqlite::AuditIdFilter::ParseGuid(TestGuid(static_cast<uint64_t>(seq)));
    ASSERT_TRUE(guid.has_value());
    ASSERT_TRUE(filter->MayContain(*guid)) << seq;
  }

  store = MustOpen();
  auto find = [&](int64_t seq) {
    Result<std::optional<SealedAuditRecord>> found =
        store->FindAuditRecord(TestGuid(static_cast<uint64_t>(seq)));
    return found.ok() && found->has_value() && (*found)->seq == seq;
  };
  for (int64_t seq = 1; seq <= 9000; seq += 97) EXPECT_TRUE(find(seq)) << seq;
  for (int64_t seq : {4097, 5000, 5001, 8192}) EXPECT_TRUE(find(seq)) << seq;
  store->Close();
  store.reset();
  const std::string chunk_one =
      RawQueryText(path_, "SELECT bits FROM audit_id_filters WHERE chunk = 1");
  RawExec(path_, "DELETE FROM audit_id_filters");
  store = MustOpen();
  EXPECT_EQ(RawQueryText(path_, "SELECT group_concat(chunk) FROM audit_id_filters"), "0,1");
  EXPECT_EQ(RawQueryText(path_, "SELECT bits FROM audit_id_filters WHERE chunk = 1"), chunk_one);
  for (int64_t seq : {1, 4097, 5000, 5001, 8192, 9000}) EXPECT_TRUE(find(seq)) << seq;

  // A chunk with an id that is not a GUID gets a filter that matches everything; its records
  // are still found by reading it.
  ChangeSet odd;
  for (int64_t seq = 9001; seq <= 3 * sqlite::AuditIdFilter::kChunk; ++seq) {
    SealedAuditRecord r;
    r.seq = seq;
    r.id = seq == 9001 ? "not-a-guid" : TestGuid(static_cast<uint64_t>(seq));
    odd.audit.push_back(r);
  }
  ASSERT_TRUE(store->Commit(std::move(odd)).ok());
  EXPECT_EQ(RawQueryText(path_, "SELECT bits FROM audit_id_filters WHERE chunk = 2"),
            sqlite::AuditIdFilter::MatchingEverything().bytes());
  EXPECT_TRUE(find(9002));
  EXPECT_TRUE(find(3 * sqlite::AuditIdFilter::kChunk));
}

TEST_F(SqliteStoreTest, UsesWalAndRecordsSchemaVersion) {
  std::unique_ptr<SqliteStore> store = MustOpen();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), sqlite::LatestSchemaVersion());
  store->Close();
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(RawQueryText(path_, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawQueryText(path_, "SELECT MAX(version) FROM schema_migrations"),
            std::to_string(sqlite::LatestSchemaVersion()));
}

TEST_F(SqliteStoreTest, RefusesDatabaseFromNewerSchema) {
  {
    std::unique_ptr<SqliteStore> store = MustOpen();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Commit(Put("a")).ok());
  }
  RawExec(path_, "INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')");
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("999"), std::string::npos) << store.status().message();
}

TEST_F(SqliteStoreTest, DataSurvivesReopenWithoutClose) {
  {
    std::unique_ptr<SqliteStore> store = MustOpen();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Commit(Put("a")).ok());
    ASSERT_TRUE(store->Commit(Put("b")).ok());
    // Destroyed without an explicit Close(): the destructor drains.
  }
  std::unique_ptr<SqliteStore> store = MustOpen();
  ASSERT_NE(store, nullptr);
  Result<std::vector<StoredObject>> objects = store->LoadObjects("k");
  ASSERT_TRUE(objects.ok());
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[0].id, "a");
  EXPECT_EQ((*objects)[1].id, "b");
}

TEST_F(SqliteStoreTest, OpenFailsCleanlyOnUnwritablePath) {
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(dir_ + "/missing/dir/pim.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace pim
