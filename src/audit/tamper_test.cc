// Tampering with a real SQLite database behind pim's back (sqlite3 C API directly) is detected by
// VerifyAudit, which names the problem and the first bad record.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <optional>

#include "audit/audit.h"
#include "audit/audit_testing.h"
#include "store/sqlite/sqlite_store.h"

namespace pim {
namespace {

using audit_testing::SampleEvent;
using audit_testing::TempDir;

class AuditTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<AuditSigner> signer = AuditSigner::LoadOrCreate(dir_.File("audit.key"));
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    signer_.emplace(std::move(signer).value());
    db_path_ = dir_.File("pim.db");
    checkpoint_file_ = dir_.File("audit-checkpoint");
    BuildChain(20);
  }

  // 20 records through SqliteStore, 4 per transaction, each with a checkpoint copied to the file.
  void BuildChain(int n) {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(db_path_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    AuditChain chain(0, std::string(64, '0'), &*signer_);
    for (int i = 1; i <= n;) {
      ChangeSet changes;
      for (int k = 0; k < 4 && i <= n; ++k, ++i) {
        changes.audit.push_back(chain.Seal(SampleEvent(i)));
      }
      changes.checkpoint = chain.Checkpoint(Timestamp::FromSeconds(1795651200 + i));
      AuditCheckpoint copy = *changes.checkpoint;
      ASSERT_TRUE((*store)->Commit(std::move(changes)).ok());
      ASSERT_TRUE(WriteCheckpointFile(checkpoint_file_, copy).ok());
    }
    (*store)->Close();
  }

  // Runs SQL directly on the closed database file.
  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
    sqlite3_free(error);
    EXPECT_EQ(sqlite3_changes(db) > 0 || rc != SQLITE_OK, true) << "the tampering changed nothing";
    sqlite3_close(db);
  }

  AuditVerifyReport Verify() {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(db_path_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return {};
    Result<AuditVerifyReport> report = VerifyAudit(**store, *signer_, checkpoint_file_);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : AuditVerifyReport{};
  }

  TempDir dir_;
  std::optional<AuditSigner> signer_;
  std::string db_path_;
  std::string checkpoint_file_;
};

TEST_F(AuditTamperTest, UntouchedDatabaseVerifies) {
  AuditVerifyReport report = Verify();
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.records_checked, 20);
  EXPECT_EQ(report.checkpoint_seq, 20);
}

TEST_F(AuditTamperTest, ChangedFieldIsAltered) {
  Sql("UPDATE audit SET canonical = replace(canonical, 'incident 7', 'incident 8') "
      "WHERE seq = 7");
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.problem, "altered");
  EXPECT_EQ(report.first_bad_seq, 7);
  EXPECT_EQ(report.message, "audit record 7 was altered (hash mismatch)");
}

TEST_F(AuditTamperTest, DeletedRecordIsRemoved) {
  Sql("DELETE FROM audit WHERE seq = 7");
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.problem, "removed");
  EXPECT_EQ(report.first_bad_seq, 7);
}

TEST_F(AuditTamperTest, SwappedRecordsAreReordered) {
  Sql("UPDATE audit SET seq = -7 WHERE seq = 7;"
      "UPDATE audit SET seq = 7 WHERE seq = 8;"
      "UPDATE audit SET seq = 8 WHERE seq = -7;");
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.problem, "reordered");
  EXPECT_EQ(report.first_bad_seq, 7);
}

TEST_F(AuditTamperTest, TruncationIsCaughtByTheCheckpointFile) {
  Sql("DELETE FROM audit WHERE seq > 17; DELETE FROM audit_checkpoints;");
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.problem, "truncated");
  EXPECT_EQ(report.first_bad_seq, 18);
  EXPECT_EQ(report.records_checked, 17);
  EXPECT_NE(report.message.find("checkpoint file"), std::string::npos) << report.message;
}

TEST_F(AuditTamperTest, TruncationIsCaughtByTheDatabaseCheckpoint) {
  Sql("DELETE FROM audit WHERE seq > 18");
  AuditVerifyReport report = Verify();
  EXPECT_EQ(report.problem, "truncated");
  EXPECT_EQ(report.first_bad_seq, 19);
}

TEST_F(AuditTamperTest, EditedCheckpointIsInvalid) {
  Sql("UPDATE audit_checkpoints SET seq = 12 WHERE rowid = (SELECT MAX(rowid) FROM "
      "audit_checkpoints)");
  AuditVerifyReport report = Verify();
  EXPECT_EQ(report.problem, "checkpoint-invalid");
  EXPECT_EQ(report.first_bad_seq, 12);
}

}  // namespace
}  // namespace pim
