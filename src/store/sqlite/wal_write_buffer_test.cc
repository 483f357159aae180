// The WAL write buffer: each commit reaches the file in one write, and what a commit wrote is in
// the file (for other connections, and for a process killed right after) when COMMIT returns.
#include "store/sqlite/wal_write_buffer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <string>

#include "core/temp_dir_testing.h"
#include "store/sqlite/sqlite_db.h"

namespace pim::sqlite {
namespace {

class WalWriteBufferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_ + "/w.db";
    ASSERT_NE(WalWriteBufferVfs(), nullptr);
    Result<Connection> db = Connection::Open(path_, 1000, WalWriteBufferVfs());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_.emplace(std::move(db).value());
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=FULL");
    Exec("PRAGMA wal_autocheckpoint=0");  // the frames stay in the log, where the test looks
    Exec("CREATE TABLE t (n INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  }
  void TearDown() override { db_.reset(); }
  void Exec(const std::string& sql) {
    Status st = db_->Exec(sql);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  // Inserts `rows` rows of `bytes` bytes each, numbered from `first`, in the current transaction.
  void Insert(int first, int rows, int bytes) {
    Exec("INSERT INTO t (n, body) WITH RECURSIVE c(i) AS (SELECT " + std::to_string(first) +
         " UNION ALL SELECT i + 1 FROM c WHERE i < " + std::to_string(first + rows - 1) +
         ") SELECT i, printf('%." + std::to_string(bytes) + "c', 'x') FROM c");
  }
  // The answer of a query run by a connection of the default VFS on the database at `path`.
  static std::string Query(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }
  // A copy of the database and its log as they are on disk now, as a process killed at this
  // instant would leave them (SQLite recovers the copy from its log when it opens it).
  std::string CopyAsIfKilled(const std::string& name) {
    const std::string copy = dir_ + "/" + name + ".db";
    std::filesystem::copy_file(path_, copy);
    std::filesystem::copy_file(path_ + "-wal", copy + "-wal");
    return copy;
  }

  TempDir temp_{"pim-walbuf"};
  std::string dir_ = temp_.path();
  std::string path_;
  std::optional<Connection> db_;
};

TEST_F(WalWriteBufferTest, EachCommitReachesTheLogInOneWrite) {
  const WalWriteCounts before = WalWriteBufferCounts();
  constexpr int kCommits = 20;
  for (int i = 0; i < kCommits; ++i) {
    Exec("BEGIN IMMEDIATE");
    Insert(i * 10, 10, 1000);  // ~3 pages of rows plus the pages above them: several frames
    Exec("COMMIT");
  }
  const WalWriteCounts after = WalWriteBufferCounts();
  const int64_t from_sqlite = after.from_sqlite - before.from_sqlite;
  const int64_t to_file = after.to_file - before.to_file;
  // Without the shim SQLite writes each frame's header and page apart: at least 3 frames, so 6
  // writes per commit. Through it, one write per commit.
  EXPECT_GE(from_sqlite, 6 * kCommits);
  EXPECT_EQ(to_file, kCommits);
  EXPECT_EQ(Query(path_, "SELECT count(*) FROM t"), "200");
}

TEST_F(WalWriteBufferTest, WhatACommitWroteIsInTheFileWhenCommitReturns) {
  for (int i = 0; i < 5; ++i) {
    Exec("BEGIN IMMEDIATE");
    Insert(i * 10, 10, 700);
    Exec("COMMIT");
    // Another connection sees it, and so does recovery from the files as they are.
    EXPECT_EQ(Query(path_, "SELECT count(*) FROM t"), std::to_string((i + 1) * 10));
    const std::string copy = CopyAsIfKilled("killed" + std::to_string(i));
    EXPECT_EQ(Query(copy, "SELECT count(*) || ' ' || sum(length(body)) FROM t"),
              std::to_string((i + 1) * 10) + " " + std::to_string((i + 1) * 10 * 700));
    EXPECT_EQ(Query(copy, "PRAGMA integrity_check"), "ok");
  }
}

// A transaction bigger than the page cache spills pages to the log before COMMIT and reads them
// back; one bigger than the buffer's limit is written in pieces; a rolled back one leaves
// frames that the next commit overwrites.
TEST_F(WalWriteBufferTest, SpillsBigTransactionsAndRollbacks) {
  Exec("PRAGMA cache_size=16");
  Exec("BEGIN IMMEDIATE");
  Insert(0, 3000, 2000);  // ~6 MB: spilled, and over the 4 MiB buffer
  Exec("UPDATE t SET body = upper(body) WHERE n % 7 = 0");  // reads spilled pages back
  Exec("COMMIT");
  Exec("BEGIN IMMEDIATE");
  Insert(5000, 500, 2000);
  Exec("ROLLBACK");
  Exec("BEGIN IMMEDIATE");
  Insert(9000, 10, 100);
  Exec("COMMIT");
  const std::string copy = CopyAsIfKilled("killed");
  for (const std::string& db : {path_, copy}) {
    EXPECT_EQ(Query(db,
                    "SELECT count(*) || ' ' || sum(n >= 5000) || ' ' || sum(n % 7 = 0 AND "
                    "n < 3000 AND body = upper(body)) FROM t"),
              "3010 10 429");
    EXPECT_EQ(Query(db, "PRAGMA integrity_check"), "ok");
  }
}

}  // namespace
}  // namespace pim::sqlite
