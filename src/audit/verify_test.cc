// VerifyAudit against a MemoryStore: a sound chain verifies; each kind of tampering is reported
// as the right problem at the right record.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <optional>

#include "audit/audit.h"
#include "audit/audit_testing.h"
#include "audit/checkpoint_file.h"
#include "audit/digest.h"
#include "auth/crypto.h"
#include "store/memory_store.h"

namespace pim {
namespace {

using audit_testing::SampleEvent;
using audit_testing::TempDir;
using Records = std::vector<SealedAuditRecord>;

class VerifyAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<AuditSigner> signer = AuditSigner::LoadOrCreate(dir_.File("audit.key"));
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    signer_.emplace(std::move(signer).value());
    checkpoint_file_ = dir_.File("audit-checkpoint");
  }

  // Seals records 1..n, committed `per_commit` at a time, each commit with a checkpoint that is
  // also copied to the checkpoint file, as the engine does.
  void Build(int n, int per_commit = 4) {
    AuditChain chain(0, std::string(64, '0'), &*signer_);
    for (int i = 1; i <= n;) {
      ChangeSet changes;
      for (int k = 0; k < per_commit && i <= n; ++k, ++i) {
        changes.audit.push_back(chain.Seal(SampleEvent(i)));
      }
      changes.checkpoint = chain.Checkpoint(Timestamp::FromSeconds(1795651200 + i));
      AuditCheckpoint copy = *changes.checkpoint;
      ASSERT_TRUE(store_.Commit(std::move(changes)).ok());
      ASSERT_TRUE(WriteCheckpointFile(checkpoint_file_, copy).ok());
    }
  }

  AuditVerifyReport Verify(const std::string& file) {
    Result<AuditVerifyReport> report = VerifyAudit(store_, *signer_, file);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : AuditVerifyReport{};
  }
  AuditVerifyReport Verify() { return Verify(checkpoint_file_); }

  void Tamper(const std::function<void(Records&)>& edit) { store_.TamperWithAudit(edit); }
  static SealedAuditRecord& At(Records& records, int64_t seq) {
    return *std::find_if(records.begin(), records.end(),
                         [&](const SealedAuditRecord& r) { return r.seq == seq; });
  }

  TempDir dir_;
  std::optional<AuditSigner> signer_;
  std::string checkpoint_file_;
  MemoryStore store_;
};

TEST_F(VerifyAuditTest, EmptyLogIsSound) {
  AuditVerifyReport report = Verify();
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.records_checked, 0);
}

TEST_F(VerifyAuditTest, SoundChainVerifies) {
  Build(20);
  AuditVerifyReport report = Verify();
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.records_checked, 20);
  EXPECT_EQ(report.checkpoint_seq, 20);
  EXPECT_EQ(report.first_bad_seq, 0);
  EXPECT_TRUE(report.problem.empty());
}

TEST_F(VerifyAuditTest, SoundChainLongerThanOnePage) {
  Build(2500, 100);
  AuditVerifyReport report = Verify();
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.records_checked, 2500);
}

TEST_F(VerifyAuditTest, AlteredCanonicalText) {
  Build(20);
  Tamper([](Records& r) {
    std::string& c = At(r, 7).canonical;
    c.replace(c.find("incident 7"), 10, "incident 9");
  });
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.problem, "altered");
  EXPECT_EQ(report.first_bad_seq, 7);
  EXPECT_EQ(report.message, "audit record 7 was altered (hash mismatch)");
  EXPECT_EQ(report.records_checked, 6);
}

TEST_F(VerifyAuditTest, AlteredIndexedColumn) {
  Build(20);
  Tamper([](Records& r) { At(r, 5).category = "Hidden"; });
  AuditVerifyReport report = Verify();
  EXPECT_EQ(report.problem, "altered");
  EXPECT_EQ(report.first_bad_seq, 5);
  EXPECT_NE(report.message.find("category"), std::string::npos) << report.message;
}

TEST_F(VerifyAuditTest, RehashedRecordBreaksTheLinkOfItsSuccessor) {
  Build(20);
  // The attacker edits record 7 and recomputes its own hash, but cannot fix record 8's prev_hash
  // without rehashing everything after it and re-signing the checkpoints.
  Tamper([](Records& r) {
    SealedAuditRecord& seven = At(r, 7);
    seven.canonical.replace(seven.canonical.find("incident 7"), 10, "incident 9");
    seven.hash = Sha256Hex(seven.prev_hash + seven.canonical);
  });
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.problem, "altered");
  EXPECT_EQ(report.first_bad_seq, 8);
  EXPECT_EQ(report.message,
            "audit record 8 was altered (its prev_hash does not match audit record 7)");
}

TEST_F(VerifyAuditTest, RewrittenTailIsCaughtByTheSignedCheckpoint) {
  Build(20);
  // Re-seal records 19 and 20 with different content: the chain is self-consistent, but its
  // head no longer matches the signed checkpoints.
  Tamper([](Records& r) {
    AuditChain rewrite(18, At(r, 18).hash, nullptr);
    AuditEvent forged = SampleEvent(19);
    forged.details[0].second = "nothing to see";
    At(r, 19) = rewrite.Seal(forged);
    At(r, 20) = rewrite.Seal(SampleEvent(20));
  });
  AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.problem, "altered");
  EXPECT_EQ(report.first_bad_seq, 20);
  EXPECT_EQ(report.records_checked, 20);
}

TEST_F(VerifyAuditTest, RemovedRecord) {
  Build(20);
  Tamper([](Records& r) { r.erase(r.begin() + 6); });  // seq 7
  AuditVerifyReport report = Verify();
  EXPECT_EQ(report.problem, "removed");
  EXPECT_EQ(report.first_bad_seq, 7);
  EXPECT_EQ(report.message, "audit record 7 was removed (audit record 6 is followed by record 8)");
}

TEST_F(VerifyAuditTest, RemovedFirstRecord) {
  Build(5);
  Tamper([](Records& r) { r.erase(r.begin()); });
  AuditVerifyReport report = Verify();
  EXPECT_EQ(report.problem, "removed");
  EXPECT_EQ(report.first_bad_seq, 1);
}

TEST_F(VerifyAuditTest, SwappedPhysicalOrder) {
  Build(20);
  Tamper([](Records& r) { std::swap(r[6], r[7]); });  // physical order ... 6, 8, 7, 9 ...
  AuditVerifyReport report = Verify();
  EXPECT_EQ(report.problem, "reordered");
  EXPECT_EQ(report.first_bad_seq, 7);
}

TEST_F(VerifyAuditTest, SwappedContentsKeepingSeqs) {
  Build(20);
  Tamper([](Records& r) {
    std::swap(r[6], r[7]);
    std::swap(r[6].seq, r[7].seq);  // seqs stay in place, contents are exchanged
  });
  AuditVerifyReport report = Verify();
  EXPECT_EQ(report.problem, "reordered");
  EXPECT_EQ(report.first_bad_seq, 7);
  EXPECT_EQ(report.message,
            "audit record 7 was reordered (it follows record 8, not audit record 6)");
}

TEST_F(VerifyAuditTest, DuplicatedRecordIsOutOfOrder) {
  Build(10);
  Tamper([](Records& r) { r.insert(r.begin() + 5, r[3]); });  // 1..5, 4, 6..
  AuditVerifyReport report = Verify();
  EXPECT_EQ(report.problem, "reordered");
  EXPECT_EQ(report.first_bad_seq, 4);
}

TEST_F(VerifyAuditTest, TruncationShowsAgainstTheDatabaseCheckpoint) {
  Build(20);
  Tamper([](Records& r) { r.resize(17); });
  AuditVerifyReport report = Verify("");  // no file: the database checkpoint alone
  EXPECT_EQ(report.problem, "truncated");
  EXPECT_EQ(report.first_bad_seq, 18);
  EXPECT_EQ(report.records_checked, 17);
  EXPECT_NE(report.message.find("covers 20 records"), std::string::npos) << report.message;
}

TEST_F(VerifyAuditTest, ForgedCheckpointSignature) {
  Build(8);
  ChangeSet forged;
  forged.checkpoint = AuditCheckpoint{3, std::string(64, 'f'), Timestamp::FromSeconds(1), "AAAA"};
  ASSERT_TRUE(store_.Commit(std::move(forged)).ok());
  AuditVerifyReport report = Verify("");
  EXPECT_EQ(report.problem, "checkpoint-invalid");
  EXPECT_EQ(report.first_bad_seq, 3);
  EXPECT_EQ(report.message,
            "the audit checkpoint in the database (record 3) has an invalid signature");
}

TEST_F(VerifyAuditTest, CheckpointSignedByAnotherKey) {
  Build(8);
  Result<AuditSigner> other = AuditSigner::LoadOrCreate(dir_.File("other.key"));
  ASSERT_TRUE(other.ok());
  AuditChain chain(8, store_.ReadAuditDescending(0, 1)->front().hash, &*other);
  ASSERT_TRUE(
      WriteCheckpointFile(checkpoint_file_, chain.Checkpoint(Timestamp::FromSeconds(5))).ok());
  AuditVerifyReport report = Verify();
  EXPECT_EQ(report.problem, "checkpoint-invalid");
  EXPECT_NE(report.message.find("checkpoint file"), std::string::npos) << report.message;
}

TEST_F(VerifyAuditTest, MalformedCheckpointFile) {
  Build(4);
  std::ofstream(checkpoint_file_) << "nonsense\n";
  AuditVerifyReport report = Verify();
  EXPECT_EQ(report.problem, "checkpoint-invalid");
  EXPECT_NE(report.message.find("malformed"), std::string::npos) << report.message;
}

TEST_F(VerifyAuditTest, CheckpointFileEmptiedByAPowerFailureIsNotAnAlarm) {
  Build(8);
  std::ofstream(checkpoint_file_, std::ios::trunc);
  AuditVerifyReport report = Verify();
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.checkpoint_seq, 8);  // the database's checkpoint still counts
  Tamper([](Records& records) { records.resize(6); });
  report = Verify();
  EXPECT_EQ(report.problem, "truncated");
  EXPECT_EQ(report.first_bad_seq, 7);
}

TEST_F(VerifyAuditTest, MissingCheckpointFileIsNotAnError) {
  Build(4);
  AuditVerifyReport report = Verify(dir_.File("absent"));
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.checkpoint_seq, 4);
}

// Everything on the host can be rolled back together: the newest records, the database's
// checkpoint (an older genuine one put back) and the checkpoint file. A checkpoint kept
// elsewhere still shows it.
TEST_F(VerifyAuditTest, ACheckpointKeptOffTheHostCatchesARollbackOfEveryCopyOnIt) {
  Build(12);
  const AuditCheckpoint at12 = *store_.LatestCheckpoint().value();
  AuditChain chain(12, at12.head_hash, &*signer_);
  ChangeSet more;
  for (int i = 13; i <= 20; ++i) more.audit.push_back(chain.Seal(SampleEvent(i)));
  more.checkpoint = chain.Checkpoint(Timestamp::FromSeconds(1795651300));
  const AuditCheckpoint at20 = *more.checkpoint;
  ASSERT_TRUE(store_.Commit(std::move(more)).ok());
  EXPECT_TRUE(VerifyAudit(store_, *signer_, "", {at20})->ok);

  Tamper([](Records& r) { r.resize(12); });
  ChangeSet put_back;
  put_back.checkpoint = at12;
  ASSERT_TRUE(store_.Commit(std::move(put_back)).ok());
  EXPECT_TRUE(Verify(dir_.File("deleted")).ok);  // nothing on the host shows it

  Result<AuditVerifyReport> report = VerifyAudit(store_, *signer_, "", {at12, at20});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->problem, "truncated");
  EXPECT_EQ(report->first_bad_seq, 13);
  EXPECT_NE(report->message.find("the copy supplied"), std::string::npos) << report->message;

  // A copy whose hash or signature was changed does not pass either.
  AuditCheckpoint other_hash = at12;
  other_hash.head_hash = std::string(64, 'e');
  EXPECT_EQ(VerifyAudit(store_, *signer_, "", {other_hash})->problem, "checkpoint-invalid");
  AuditCheckpoint forged = at12;
  forged.signature = at20.signature;
  EXPECT_EQ(VerifyAudit(store_, *signer_, "", {forged})->problem, "checkpoint-invalid");
}

}  // namespace
}  // namespace pim
