// CanonicalEncode, AuditChain, AuditSigner and the checkpoint file.
#include "audit/audit.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "audit/audit_testing.h"
#include "audit/checkpoint_file.h"

namespace pim {
namespace {

using audit_testing::SampleEvent;
using audit_testing::TempDir;

const std::string kZero(64, '0');

mode_t ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST(CanonicalEncodeTest, UserInitiatorGolden) {
  AuditEvent e = SampleEvent(7);
  e.result_reason = "ok \"quoted\"\n";
  EXPECT_EQ(
      CanonicalEncode(e),
      R"json({"pimEncodingVersion":1,"id":"00000000-0000-4000-8000-000000000007","category":"UserManagement","correlationId":"request-7","result":"success","resultReason":"ok \"quoted\"\n","activityDisplayName":"Add member to role completed (PIM activation)","activityDateTime":"2026-11-26T00:07:00Z","loggedByService":"PIM","operationType":"Assign","initiatedBy":{"user":{"id":"user-1","displayName":"User 1","userPrincipalName":"user1@pim.local","ipAddress":"192.0.2.7"}},"targetResources":[{"id":"62e90394-69f5-4237-9190-012177145e10","displayName":"Global Administrator","type":"Role","userPrincipalName":"","modifiedProperties":[{"displayName":"endDateTime","oldValue":"","newValue":"2026-11-26T08:00:00Z"}]}],"additionalDetails":[{"key":"justification","value":"incident 7"},{"key":"ticketNumber","value":"INC-1007"}]})json");
}

TEST(CanonicalEncodeTest, AppInitiatorHasOnlyAppIdentity) {
  AuditEvent e;
  e.id = "a";
  e.time = Timestamp::FromMicros(1795651200000001);
  e.category = "RoleManagement";
  e.activity = "Remove member from role (PIM activation expired)";
  e.operation_type = "Unassign";
  e.initiator_type = "app";
  e.initiator_id = "pim-timer";
  e.initiator_display_name = "PIM timer";
  e.initiator_upn = "ignored@pim.local";
  EXPECT_EQ(
      CanonicalEncode(e),
      R"json({"pimEncodingVersion":1,"id":"a","category":"RoleManagement","correlationId":"","result":"success","resultReason":"","activityDisplayName":"Remove member from role (PIM activation expired)","activityDateTime":"2026-11-26T00:00:00.000001Z","loggedByService":"PIM","operationType":"Unassign","initiatedBy":{"app":{"servicePrincipalId":"pim-timer","displayName":"PIM timer"}},"targetResources":[],"additionalDetails":[]})json");
}

TEST(CanonicalEncodeTest, EscapesControlCharactersAndKeepsUtf8) {
  AuditEvent e = SampleEvent(1);
  e.result_reason = std::string(
      "a\x01"
      "b\tc\u00e9");
  const std::string encoded = CanonicalEncode(e);
  EXPECT_NE(encoded.find("\"resultReason\":\"a\\u0001b\\tc\u00e9\""), std::string::npos) << encoded;
}

TEST(CanonicalEncodeTest, EveryFieldChangesTheEncoding) {
  const std::string base = CanonicalEncode(SampleEvent(1));
  std::vector<std::function<void(AuditEvent&)>> edits = {
      [](AuditEvent& e) { e.id += "x"; },
      [](AuditEvent& e) { e.time = e.time + Duration::Micros(1); },
      [](AuditEvent& e) { e.category += "x"; },
      [](AuditEvent& e) { e.activity += "x"; },
      [](AuditEvent& e) { e.operation_type += "x"; },
      [](AuditEvent& e) { e.result = "failure"; },
      [](AuditEvent& e) { e.result_reason += "x"; },
      [](AuditEvent& e) { e.correlation_id += "x"; },
      [](AuditEvent& e) { e.logged_by_service += "x"; },
      [](AuditEvent& e) { e.initiator_type = "app"; },
      [](AuditEvent& e) { e.initiator_id += "x"; },
      [](AuditEvent& e) { e.initiator_upn += "x"; },
      [](AuditEvent& e) { e.initiator_display_name += "x"; },
      [](AuditEvent& e) { e.initiator_ip += "x"; },
      [](AuditEvent& e) { e.targets[0].id += "x"; },
      [](AuditEvent& e) { e.targets[0].type += "x"; },
      [](AuditEvent& e) { e.targets[0].display_name += "x"; },
      [](AuditEvent& e) { e.targets[0].user_principal_name += "x"; },
      [](AuditEvent& e) { std::get<0>(e.targets[0].modified[0]) += "x"; },
      [](AuditEvent& e) { std::get<1>(e.targets[0].modified[0]) += "x"; },
      [](AuditEvent& e) { std::get<2>(e.targets[0].modified[0]) += "x"; },
      [](AuditEvent& e) { e.targets.push_back(AuditTarget{}); },
      [](AuditEvent& e) { e.details[0].first += "x"; },
      [](AuditEvent& e) { e.details[0].second += "x"; },
      [](AuditEvent& e) { std::swap(e.details[0], e.details[1]); },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    AuditEvent e = SampleEvent(1);
    edits[i](e);
    EXPECT_NE(CanonicalEncode(e), base) << "edit " << i;
  }
}

TEST(AuditChainTest, SealsAGoldenChain) {
  AuditChain chain(0, kZero, nullptr);
  SealedAuditRecord first = chain.Seal(SampleEvent(1));
  SealedAuditRecord second = chain.Seal(SampleEvent(2));
  EXPECT_EQ(first.seq, 1);
  EXPECT_EQ(first.prev_hash, kZero);
  EXPECT_EQ(first.canonical, CanonicalEncode(SampleEvent(1)));
  EXPECT_EQ(
      first.hash,
      "6bdf6e82bef7843eca3c0986103981154f1fe4fa748467439f4fb769aebcb2c3");  // sha256(64 zeros ||
                                                                            // canonical), from
                                                                            // Python's hashlib
  EXPECT_EQ(second.seq, 2);
  EXPECT_EQ(second.prev_hash, first.hash);
  EXPECT_EQ(second.hash, "0f59cc13e8918a1f7cf9cdfb0d2e42db12c45f4a152de2b303e10c568de59633");
  EXPECT_EQ(second.id, SampleEvent(2).id);
  EXPECT_EQ(second.time, SampleEvent(2).time);
  EXPECT_EQ(second.category, "RoleManagement");
  EXPECT_EQ(second.activity, SampleEvent(2).activity);
  EXPECT_EQ(second.initiator_id, "user-2");
  EXPECT_EQ(chain.last_seq(), 2);
  EXPECT_EQ(chain.last_hash(), second.hash);

  // A chain resumed from the head continues identically.
  AuditChain resumed(1, first.hash, nullptr);
  EXPECT_EQ(resumed.Seal(SampleEvent(2)).hash, second.hash);
}

TEST(AuditChainTest, CheckpointIsSignedOverTheHead) {
  TempDir dir;
  Result<AuditSigner> signer = AuditSigner::LoadOrCreate(dir.File("audit.key"));
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  AuditChain chain(0, kZero, &*signer);
  chain.Seal(SampleEvent(1));
  AuditCheckpoint checkpoint = chain.Checkpoint(Timestamp::FromSeconds(42));
  EXPECT_EQ(checkpoint.seq, 1);
  EXPECT_EQ(checkpoint.head_hash, chain.last_hash());
  EXPECT_EQ(checkpoint.time, Timestamp::FromSeconds(42));
  EXPECT_TRUE(signer->Verify(CheckpointMessage(1, chain.last_hash(), Timestamp::FromSeconds(42)),
                             checkpoint.signature));
  EXPECT_FALSE(signer->Verify(CheckpointMessage(2, chain.last_hash(), Timestamp::FromSeconds(42)),
                              checkpoint.signature));
}

TEST(CheckpointMessageTest, HasTheDocumentedLayout) {
  EXPECT_EQ(CheckpointMessage(17, "ab12", Timestamp::FromMicros(1795651200000001)),
            "pim-audit-checkpoint-v1\n17\nab12\n1795651200000001");
}

TEST(AuditSignerTest, CreatesAPrivateKeyAndReloadsIt) {
  TempDir dir;
  const std::string path = dir.File("audit.key");
  Result<AuditSigner> created = AuditSigner::LoadOrCreate(path);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(ModeOf(path), 0600u);
  std::ifstream in(path);
  std::string first_line;
  std::getline(in, first_line);
  EXPECT_EQ(first_line, "-----BEGIN PRIVATE KEY-----");

  std::string signature = created->Sign("hello");
  Result<AuditSigner> reloaded = AuditSigner::LoadOrCreate(path);
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(reloaded->PublicKeyPem(), created->PublicKeyPem());
  EXPECT_NE(reloaded->PublicKeyPem().find("BEGIN PUBLIC KEY"), std::string::npos);
  EXPECT_TRUE(reloaded->Verify("hello", signature));
  EXPECT_FALSE(reloaded->Verify("hello!", signature));
  EXPECT_FALSE(reloaded->Verify("hello", "not base64"));
  EXPECT_FALSE(reloaded->Verify("hello", ""));
}

TEST(AuditSignerTest, SignsLikeRfc8032) {
  // RFC 8032 section 7.1, TEST 1: the key as OpenSSL stores it (PKCS#8 PEM), the empty message.
  TempDir dir;
  const std::string path = dir.File("rfc8032.key");
  {
    std::ofstream out(path);
    out << "-----BEGIN PRIVATE "
           "KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END "
           "PRIVATE KEY-----\n";
  }
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  Result<AuditSigner> signer = AuditSigner::LoadOrCreate(path);
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  EXPECT_EQ(
      signer->Sign(""),
      "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc+bRr0lv18FlbviRlUUFDjnoQCw==");
  EXPECT_TRUE(signer->Verify("", signer->Sign("")));
}

TEST(AuditSignerTest, AnotherKeyDoesNotVerify) {
  TempDir dir;
  Result<AuditSigner> a = AuditSigner::LoadOrCreate(dir.File("a.key"));
  Result<AuditSigner> b = AuditSigner::LoadOrCreate(dir.File("b.key"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->PublicKeyPem(), b->PublicKeyPem());
  EXPECT_FALSE(b->Verify("m", a->Sign("m")));
}

TEST(AuditSignerTest, RefusesAKeyOthersCanRead) {
  TempDir dir;
  const std::string path = dir.File("audit.key");
  ASSERT_TRUE(AuditSigner::LoadOrCreate(path).ok());
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  Result<AuditSigner> loaded = AuditSigner::LoadOrCreate(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(loaded.status().message().find("0640"), std::string::npos) << loaded.status().message();
}

TEST(AuditSignerTest, RefusesAFileThatIsNotAKey) {
  TempDir dir;
  const std::string path = dir.File("audit.key");
  {
    std::ofstream out(path);
    out << "garbage\n";
  }
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  EXPECT_EQ(AuditSigner::LoadOrCreate(path).status().code(), StatusCode::kInternal);
}

TEST(AuditSignerTest, MovedSignerKeepsTheKey) {
  TempDir dir;
  Result<AuditSigner> a = AuditSigner::LoadOrCreate(dir.File("a.key"));
  ASSERT_TRUE(a.ok());
  AuditSigner moved = std::move(a).value();
  EXPECT_TRUE(moved.Verify("m", moved.Sign("m")));
}

TEST(CheckpointFileTest, RoundTripsWithPrivateMode) {
  TempDir dir;
  const std::string path = dir.File("audit-checkpoint");
  AuditCheckpoint checkpoint{20, std::string(64, 'e'), Timestamp::FromMicros(1795651200000123),
                             "c2lnbmF0dXJl"};
  ASSERT_TRUE(WriteCheckpointFile(path, checkpoint).ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "pim-audit-checkpoint-v1\nseq=20\nhead_hash=" + std::string(64, 'e') +
                      "\ntime_us=1795651200000123\nsignature=c2lnbmF0dXJl\n");
  Result<std::optional<AuditCheckpoint>> read = ReadCheckpointFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->seq, 20);
  EXPECT_EQ((*read)->head_hash, checkpoint.head_hash);
  EXPECT_EQ((*read)->time, checkpoint.time);
  EXPECT_EQ((*read)->signature, checkpoint.signature);

  // Overwriting replaces the whole file and leaves no temporary behind.
  checkpoint.seq = 21;
  ASSERT_TRUE(WriteCheckpointFile(path, checkpoint).ok());
  EXPECT_EQ((*ReadCheckpointFile(path))->seq, 21);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(CheckpointFileTest, MissingIsNulloptAndMalformedIsInvalid) {
  TempDir dir;
  Result<std::optional<AuditCheckpoint>> missing = ReadCheckpointFile(dir.File("none"));
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  for (const std::string& text :
       {std::string("pim-audit-checkpoint-v1\nseq=x\nhead_hash=a\ntime_us=1\nsignature=s\n"),
        std::string("pim-audit-checkpoint-v2\nseq=1\nhead_hash=a\ntime_us=1\nsignature=s\n"),
        std::string("pim-audit-checkpoint-v1\nseq=1\nhead_hash=a\ntime_us=1\nsignature=s"),
        std::string("pim-audit-checkpoint-v1\nhead_hash=a\nseq=1\ntime_us=1\nsignature=s\n"),
        std::string("pim-audit-checkpoint-v1\nseq=1\nhead_hash=a\nti"),
        std::string("\0\0\0\n", 4)}) {
    std::ofstream(dir.File("bad")) << text;
    EXPECT_EQ(ReadCheckpointFile(dir.File("bad")).status().code(), StatusCode::kInvalidArgument)
        << text;
  }
}

// The file is replaced without an fsync (rename over it), so a power failure can leave it empty,
// or at its full length with its block never written: zeros. That is no claim about the log (a
// deleted file makes none either), not a malformed one, which would be a false alarm.
TEST(CheckpointFileTest, EmptyOrZeroFilledAsAPowerFailureLeavesItClaimsNothing) {
  TempDir dir;
  for (const std::string& text : {std::string(), std::string(160, '\0')}) {
    std::ofstream(dir.File("torn"), std::ios::binary) << text;
    Result<std::optional<AuditCheckpoint>> read = ReadCheckpointFile(dir.File("torn"));
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_FALSE(read->has_value());
  }
}

}  // namespace
}  // namespace pim
