// The sealed export checked away from the server (VerifyExportedAudit): what it proves with a
// checkpoint kept off the host and the public key alone, and each kind of tampering named at its
// record.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <optional>
#include <sstream>

#include "audit/audit.h"
#include "audit/audit_testing.h"
#include "auth/crypto.h"

namespace pim {
namespace {

using audit_testing::SampleEvent;
using audit_testing::TempDir;
using Records = std::vector<SealedAuditRecord>;

class VerifyExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<AuditSigner> signer = AuditSigner::LoadOrCreate(dir_.File("audit.key"));
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    signer_.emplace(std::move(signer).value());
    Result<AuditPublicKey> key = AuditPublicKey::FromPem(signer_->PublicKeyPem());
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    key_.emplace(std::move(key).value());
    AuditChain chain(0, std::string(64, '0'), &*signer_);
    for (int i = 1; i <= 20; ++i) {
      records_.push_back(chain.Seal(SampleEvent(i)));
      if (i == 12) at12_ = chain.Checkpoint(Timestamp::FromSeconds(1795651300));
    }
    at20_ = chain.Checkpoint(Timestamp::FromSeconds(1795651400));
  }

  static std::string Lines(const Records& records) {
    std::string out;
    for (const SealedAuditRecord& r : records) {
      out += boost::json::serialize(SealedRecordToJson(r)) + "\n";
    }
    return out;
  }

  Result<AuditVerifyReport> Check(const std::string& lines,
                                  const std::vector<AuditCheckpoint>& kept) {
    std::istringstream in(lines);
    return VerifyExportedAudit(in, *key_, kept);
  }
  AuditVerifyReport Report(const Records& records, const std::vector<AuditCheckpoint>& kept) {
    Result<AuditVerifyReport> report = Check(Lines(records), kept);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : AuditVerifyReport{};
  }

  TempDir dir_;
  std::optional<AuditSigner> signer_;
  std::optional<AuditPublicKey> key_;
  Records records_;
  AuditCheckpoint at12_, at20_;
};

TEST_F(VerifyExportTest, ASoundExportMatchesTheCheckpointsKept) {
  AuditVerifyReport report = Report(records_, {at12_, at20_});
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.records_checked, 20);
  EXPECT_EQ(report.checkpoint_seq, 20);
  // Records past the newest checkpoint kept are chained but not witnessed; the report says how
  // far the witness reaches.
  report = Report(records_, {at12_});
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.checkpoint_seq, 12);
}

TEST_F(VerifyExportTest, ASealedRecordSurvivesItsJsonForm) {
  const SealedAuditRecord& r = records_[6];
  Result<SealedAuditRecord> back = SealedRecordFromJson(SealedRecordToJson(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->seq, r.seq);
  EXPECT_EQ(back->canonical, r.canonical);
  EXPECT_EQ(back->prev_hash, r.prev_hash);
  EXPECT_EQ(back->hash, r.hash);
  // The search columns come back from the hashed text.
  EXPECT_EQ(back->id, r.id);
  EXPECT_EQ(back->category, r.category);
  EXPECT_EQ(back->activity, r.activity);
  EXPECT_EQ(back->time, r.time);
  EXPECT_EQ(back->initiator_id, r.initiator_id);
}

TEST_F(VerifyExportTest, AnEditedRecordIsNamed) {
  Records edited = records_;
  edited[6].canonical.replace(edited[6].canonical.find("incident 7"), 10, "incident 9");
  AuditVerifyReport report = Report(edited, {at20_});
  EXPECT_EQ(report.problem, "altered");
  EXPECT_EQ(report.first_bad_seq, 7);
  EXPECT_EQ(report.message, "audit record 7 was altered (hash mismatch)");
}

// Whoever controls the server can rehash the whole chain from its first record, so the export
// is consistent in itself: only the checkpoint kept off the host shows it.
TEST_F(VerifyExportTest, AChainRehashedFromTheStartFailsTheCheckpointKept) {
  Records forged;
  AuditChain rewrite(0, std::string(64, '0'), nullptr);
  for (int i = 1; i <= 20; ++i) {
    AuditEvent e = SampleEvent(i);
    if (i == 5) e.details[0].second = "nothing to see";
    forged.push_back(rewrite.Seal(e));
  }
  AuditVerifyReport report = Report(forged, {at12_, at20_});
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.problem, "altered");
  EXPECT_EQ(report.first_bad_seq, 20);
  EXPECT_NE(report.message.find("the copy supplied"), std::string::npos) << report.message;
}

TEST_F(VerifyExportTest, RemovedSwappedAndCutLines) {
  Records removed = records_;
  removed.erase(removed.begin() + 6);
  AuditVerifyReport report = Report(removed, {at20_});
  EXPECT_EQ(report.problem, "removed");
  EXPECT_EQ(report.first_bad_seq, 7);

  Records swapped = records_;
  std::swap(swapped[6], swapped[7]);
  report = Report(swapped, {at20_});
  EXPECT_EQ(report.problem, "reordered");
  EXPECT_EQ(report.first_bad_seq, 7);

  Records cut(records_.begin(), records_.begin() + 12);
  report = Report(cut, {at12_, at20_});
  EXPECT_EQ(report.problem, "truncated");
  EXPECT_EQ(report.first_bad_seq, 13);
  EXPECT_EQ(report.records_checked, 12);
}

TEST_F(VerifyExportTest, ACheckpointOfAnotherKeyOrAlteredIsInvalid) {
  Result<AuditSigner> other = AuditSigner::LoadOrCreate(dir_.File("other.key"));
  ASSERT_TRUE(other.ok());
  Result<AuditPublicKey> other_key = AuditPublicKey::FromPem(other->PublicKeyPem());
  ASSERT_TRUE(other_key.ok());
  std::istringstream in(Lines(records_));
  Result<AuditVerifyReport> report = VerifyExportedAudit(in, *other_key, {at20_});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->problem, "checkpoint-invalid");
  EXPECT_EQ(report->first_bad_seq, 20);

  AuditCheckpoint moved = at20_;
  moved.seq = 19;
  EXPECT_EQ(Report(records_, {moved}).problem, "checkpoint-invalid");
}

TEST_F(VerifyExportTest, ALineThatIsNotASealedRecordIsAnErrorNamingIt) {
  std::string lines = Lines(records_);
  const size_t third = lines.find('\n', lines.find('\n') + 1) + 1;
  lines.insert(third, "{\"sequence\":\"3\"}\n");
  Result<AuditVerifyReport> report = Check(lines, {at20_});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(report.status().message().find("line 3"), std::string::npos)
      << report.status().message();
  EXPECT_FALSE(Check("not json\n", {at20_}).ok());
}

TEST(AuditPublicKeyTest, OnlyAnEd25519PublicKeyInPemIsAccepted) {
  EXPECT_EQ(AuditPublicKey::FromPem("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AuditPublicKey::FromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  const std::string p256 =
      "-----BEGIN PUBLIC KEY-----\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFScViFX3yhAk/I4xILhaSk34VRiU\n"
      "0qqfYu2h0icYeQ/7Xi0Z1H/ZLmwfQTNHxqcMWmM26kSxyTw907/kbJy61Q==\n"
      "-----END PUBLIC KEY-----\n";
  Result<AuditPublicKey> ec = AuditPublicKey::FromPem(p256);
  ASSERT_FALSE(ec.ok());
  EXPECT_NE(ec.status().message().find("Ed25519"), std::string::npos) << ec.status().message();
}

}  // namespace
}  // namespace pim
