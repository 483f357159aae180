// Command tests: approvals, administration, policies and the audit log.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <fstream>

#include "audit/audit.h"
#include "cli/commands_test_util.h"

namespace pim::cli {
namespace {

TEST_F(CommandsTest, AuditVerifyFailureExits1WithTheMessage) {
  SignIn();
  server_.Expect("GET", "/v1.0/pim/audit/verify", 200,
                 R"({"ok":false,"recordsChecked":7,"firstBadSequence":5,"problem":"altered",)"
                 R"("message":"record 5 does not match its successor's hash"})");
  EXPECT_EQ(Pim({"audit", "verify"}), 1);
  EXPECT_EQ(err_.str(),
            "pim: audit log verification FAILED: altered at sequence 5 (record 5 does not match "
            "its successor's hash)\n");
}

TEST_F(CommandsTest, ApproveFindsMyInProgressStepThroughTheRequestId) {
  SignIn();
  const std::string base = "/v1.0/roleManagement/directory/";
  server_.Expect("GET", base + "roleAssignmentApprovals/req-5", 404,
                 R"({"error":{"code":"NotFound","message":"no approval"}})");
  server_.Expect("GET", base + "roleAssignmentScheduleRequests/req-5", 200,
                 R"({"id":"req-5","status":"PendingApproval","approvalId":"appr-5"})");
  server_.Expect(
      "GET", base + "roleAssignmentApprovals/appr-5", 200,
      R"({"id":"appr-5","steps":[)"
      R"({"id":"s0","displayName":"Stage 0","status":"Completed","assignedToMe":true},)"
      R"({"id":"s1","displayName":"Stage 1","status":"InProgress","assignedToMe":true}]})");
  server_.Expect("PATCH", base + "roleAssignmentApprovals/appr-5/steps/s1", 204, "");
  ASSERT_EQ(Pim({"approve", "req-5", "--reason", "known incident"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "Approved step 'Stage 1' of approval appr-5\n");
  const json::value patch = SentJson(3);
  EXPECT_EQ(Str(patch, "reviewResult"), "Approve");
  EXPECT_EQ(Str(patch, "justification"), "known incident");
}

TEST_F(CommandsTest, DenyWithoutAStepForMeFails) {
  SignIn();
  server_.Expect(
      "GET", "/v1.0/roleManagement/directory/roleAssignmentApprovals/appr-6", 200,
      R"({"id":"appr-6","steps":[{"id":"s0","status":"InProgress","assignedToMe":false}]})");
  EXPECT_EQ(Pim({"deny", "appr-6", "--reason", "no"}), 1);
  EXPECT_EQ(err_.str(), "pim: approval appr-6 has no step waiting for your review\n");
}

TEST_F(CommandsTest, AdminAssignResolvesUserAndSendsEligibilityRequest) {
  SignIn();
  server_.Expect(
      "GET", "/v1.0/users/bob@pim.local", 200,
      R"({"id":"00000000-0000-4000-8000-00000000000b","userPrincipalName":"bob@pim.local"})");
  ExpectRoleDefinitions();
  server_.Expect("POST", "/v1.0/roleManagement/directory/roleEligibilityScheduleRequests", 201,
                 R"({"id":"req-7","status":"Provisioned","scheduleInfo":{"expiration":)"
                 R"({"type":"afterDuration","duration":"P90D"}}})");
  ASSERT_EQ(Pim({"admin", "assign", "bob@pim.local", "Global Administrator", "--duration", "P90D",
                 "--justification", "on-call rota"}),
            0)
      << err_.str();
  const json::value body = SentJson(2);
  EXPECT_EQ(Str(body, "action"), "adminAssign");
  EXPECT_EQ(Str(body, "principalId"), "00000000-0000-4000-8000-00000000000b");
  EXPECT_EQ(StrAt(body, {"scheduleInfo", "expiration", "type"}), "afterDuration");
  EXPECT_EQ(StrAt(body, {"scheduleInfo", "expiration", "duration"}), "P90D");
  EXPECT_EQ(out_.str(),
            "Provisioned: bob@pim.local is eligible for Global Administrator at / for P90D\n"
            "Request id: req-7\n");
}

TEST_F(CommandsTest, AdminAssignNeedsDurationOrPermanent) {
  SignIn();
  EXPECT_EQ(Pim({"admin", "assign", "bob@pim.local", "Global Administrator"}), 1);
  EXPECT_EQ(err_.str(), "pim: give exactly one of --duration or --permanent\n");
}

TEST_F(CommandsTest, PolicySetPatchesTheNamedRules) {
  SignIn();
  ExpectRoleDefinitions();
  server_.Expect("GET",
                 "/v1.0/policies/roleManagementPolicyAssignments?$filter=scopeId%20eq%20'/'%20and"
                 "%20scopeType%20eq%20'DirectoryRole'%20and%20roleDefinitionId%20eq%20'" +
                     std::string(kGlobalAdmin) + "'",
                 200, R"({"value":[{"id":"pa1","policyId":"pol-1"}]})");
  server_.Expect(
      "GET", "/v1.0/policies/roleManagementPolicies/pol-1?$expand=rules", 200,
      R"({"id":"pol-1","rules":[{"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",)"
      R"("id":"Expiration_EndUser_Assignment","isExpirationRequired":true,"maximumDuration":"PT8H",)"
      R"("target":{"caller":"EndUser"}}]})");
  server_.Expect("PATCH",
                 "/v1.0/policies/roleManagementPolicies/pol-1/rules/Expiration_EndUser_Assignment",
                 200,
                 R"({"id":"Expiration_EndUser_Assignment","isExpirationRequired":true,)"
                 R"("maximumDuration":"PT4H"})");
  server_.Expect("PATCH",
                 "/v1.0/policies/roleManagementPolicies/pol-1/rules/Enablement_EndUser_Assignment",
                 200,
                 R"({"id":"Enablement_EndUser_Assignment",)"
                 R"("enabledRules":["MultiFactorAuthentication","Justification"]})");
  ASSERT_EQ(Pim({"admin", "policy", "set", "Global Administrator", "--max-duration", "4h",
                 "--require", "mfa,justification"}),
            0)
      << err_.str();
  const json::value expiration = SentJson(3);
  EXPECT_EQ(Str(expiration, "maximumDuration"), "PT4H");
  EXPECT_EQ(StrAt(expiration, {"target", "caller"}), "EndUser");
  EXPECT_EQ(Str(expiration, "@odata.type"),
            "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule");
  const json::value enablement = SentJson(4);
  EXPECT_EQ(json::serialize(*Member(enablement, "enabledRules")),
            R"(["MultiFactorAuthentication","Justification"])");
  EXPECT_EQ(out_.str(),
            "Activation maximum duration: required, maximum PT4H\n"
            "Activation requires: MultiFactorAuthentication, Justification\n");
}

constexpr char kBob[] = "00000000-0000-4000-8000-00000000000b";

// Scripts the lookups of `pim admin policy show|set "Global Administrator"` up to the policy,
// which is answered with `policy`.
void ExpectGlobalAdminPolicy(ScriptedServer& server, const std::string& policy) {
  server.Expect("GET",
                "/v1.0/policies/roleManagementPolicyAssignments?$filter=scopeId%20eq%20'/'%20and"
                "%20scopeType%20eq%20'DirectoryRole'%20and%20roleDefinitionId%20eq%20'" +
                    std::string(kGlobalAdmin) + "'",
                200, R"({"value":[{"id":"pa1","policyId":"pol-1"}]})");
  server.Expect("GET", "/v1.0/policies/roleManagementPolicies/pol-1?$expand=rules", 200, policy);
}

// pimd names the last modifier by id only: pim shows the UPN, as it does for approvers, and the
// id when the user cannot be read.
TEST_F(CommandsTest, PolicyShowNamesTheLastModifierByUpn) {
  SignIn();
  const std::string policy =
      std::string(R"({"id":"pol-1","scopeId":"/","lastModifiedDateTime":"2026-11-25T10:00:00Z",)"
                  R"("lastModifiedBy":{"displayName":null,"id":")") +
      kBob +
      R"("},"rules":[{"id":"Expiration_EndUser_Assignment","isExpirationRequired":true,)"
      R"("maximumDuration":"PT8H"}]})";
  ExpectRoleDefinitions();
  ExpectGlobalAdminPolicy(server_, policy);
  server_.Expect("GET", std::string("/v1.0/users/") + kBob, 200,
                 std::string(R"({"id":")") + kBob + R"(","userPrincipalName":"bob@pim.local"})");
  ASSERT_EQ(Pim({"admin", "policy", "show", "Global Administrator"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("Last modified 2026-11-25 10:00:00Z by bob@pim.local\n"),
            std::string::npos)
      << out_.str();

  ExpectRoleDefinitions();
  ExpectGlobalAdminPolicy(server_, policy);
  server_.Expect("GET", std::string("/v1.0/users/") + kBob, 404,
                 R"({"error":{"code":"Request_ResourceNotFound","message":"no such user"}})");
  ASSERT_EQ(Pim({"admin", "policy", "show", "Global Administrator"}), 0) << err_.str();
  EXPECT_NE(out_.str().find(std::string("Last modified 2026-11-25 10:00:00Z by ") + kBob + "\n"),
            std::string::npos)
      << out_.str();
}

// Approvers stored while approval is off are kept for when it is turned on: 'policy show' lists
// them, marked so, and 'policy set --approver' says approval is still off.
TEST_F(CommandsTest, ApproversSetWhileApprovalIsOffAreShownAsWaiting) {
  SignIn();
  const std::string approval_off =
      std::string(
          R"({"id":"Approval_EndUser_Assignment","setting":{"isApprovalRequired":false,)"
          R"("approvalMode":"SingleStage","approvalStages":[{"approvalStageTimeOutInDays":1,)"
          R"("primaryApprovers":[{"@odata.type":"#microsoft.graph.singleUser","userId":")") +
      kBob + R"("}]}]}})";
  ExpectRoleDefinitions();
  ExpectGlobalAdminPolicy(server_,
                          R"({"id":"pol-1","scopeId":"/","rules":[)" + approval_off + "]}");
  server_.Expect("GET", std::string("/v1.0/users/") + kBob, 200,
                 std::string(R"({"id":")") + kBob + R"(","userPrincipalName":"bob@pim.local"})");
  ASSERT_EQ(Pim({"admin", "policy", "show", "Global Administrator"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("Activation approval  not required; approvers: bob@pim.local (used "
                            "once approval is required)"),
            std::string::npos)
      << out_.str();

  ExpectRoleDefinitions();
  ExpectGlobalAdminPolicy(server_, R"({"id":"pol-1","scopeId":"/","rules":[]})");
  server_.Expect("GET", "/v1.0/users/bob@pim.local", 200,
                 std::string(R"({"id":")") + kBob + R"(","userPrincipalName":"bob@pim.local"})");
  server_.Expect("PATCH",
                 "/v1.0/policies/roleManagementPolicies/pol-1/rules/Approval_EndUser_Assignment",
                 200, approval_off);
  ASSERT_EQ(Pim({"admin", "policy", "set", "Global Administrator", "--approver", "bob@pim.local"}),
            0)
      << err_.str();
  EXPECT_EQ(out_.str(),
            "Activation approval: not required; approvers: bob@pim.local (used once approval is "
            "required)\n");
  EXPECT_EQ(err_.str(),
            "pim: note: approval is still off for Global Administrator; the approvers are asked "
            "once it is turned on (--approval on)\n");
}

// pimd writes notifications to its outbox and sends none yet (docs/OPERATIONS.md): the rules
// are shown with that said, so that no one counts on them.
TEST_F(CommandsTest, PolicyShowSaysNotificationsAreNotDelivered) {
  SignIn();
  ExpectRoleDefinitions();
  ExpectGlobalAdminPolicy(
      server_,
      R"({"id":"pol-1","scopeId":"/","rules":[{"id":"Notification_Admin_EndUser_Assignment",)"
      R"("notificationType":"Email","notificationLevel":"All",)"
      R"("isDefaultRecipientsEnabled":true,"notificationRecipients":[]}]})");
  ASSERT_EQ(Pim({"admin", "policy", "show", "Global Administrator"}), 0) << err_.str();
  const std::string out = out_.str();
  const size_t rule = out.find("Notification_Admin_EndUser_Assignment  Email All");
  ASSERT_NE(rule, std::string::npos) << out;
  EXPECT_NE(out.find("pimd records these notifications in its outbox but does not deliver them "
                     "yet",
                     rule),
            std::string::npos)
      << out;

  // No notification rule, no note.
  ExpectRoleDefinitions();
  ExpectGlobalAdminPolicy(server_, R"({"id":"pol-1","scopeId":"/","rules":[]})");
  ASSERT_EQ(Pim({"admin", "policy", "show", "Global Administrator"}), 0) << err_.str();
  EXPECT_EQ(out_.str().find("outbox"), std::string::npos) << out_.str();
}

TEST_F(CommandsTest, AuditExportFollowsNextLinkAsJsonLines) {
  SignIn();
  server_.Expect(
      "GET", "/v1.0/auditLogs/directoryAudits?$top=999", 200,
      R"({"value":[{"id":"a3"},{"id":"a2"}],)"
      R"("@odata.nextLink":"http://pim.test/v1.0/auditLogs/directoryAudits?$skiptoken=x"})");
  server_.Expect("GET", "/v1.0/auditLogs/directoryAudits?$skiptoken=x", 200,
                 R"({"value":[{"id":"a1"}]})");
  ASSERT_EQ(Pim({"audit", "export"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "{\"id\":\"a3\"}\n{\"id\":\"a2\"}\n{\"id\":\"a1\"}\n");
}

TEST_F(CommandsTest, AnAuditExportFileIsReadableByItsOwnerOnly) {
  SignIn();
  const std::string path = dir_ + "/audit.jsonl";
  std::ofstream(path) << "old\n";
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  server_.Expect("GET", "/v1.0/auditLogs/directoryAudits?$top=999", 200,
                 R"({"value":[{"id":"a1"}]})");
  ASSERT_EQ(Pim({"audit", "export", "--output", path}), 0) << err_.str();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, R"({"id":"a1"})");
}

TEST_F(CommandsTest, AuditExportSealedReadsTheRecordsAsHashedOldestFirst) {
  SignIn();
  server_.Expect("GET", "/v1.0/pim/audit/records?$top=999", 200,
                 R"({"value":[{"sequence":1},{"sequence":2}],)"
                 R"("@odata.nextLink":"http://pim.test/v1.0/pim/audit/records?$skiptoken=x"})");
  server_.Expect("GET", "/v1.0/pim/audit/records?$skiptoken=x", 200,
                 R"({"value":[{"sequence":3}]})");
  ASSERT_EQ(Pim({"audit", "export", "--sealed"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "{\"sequence\":1}\n{\"sequence\":2}\n{\"sequence\":3}\n");
}

// 'verify --offline' asks the server nothing: a sealed export, a checkpoint kept off the host and
// the public key are all it trusts.
class OfflineVerifyTest : public CommandsTest {
 protected:
  void SetUp() override {
    CommandsTest::SetUp();
    Result<pim::AuditSigner> signer = pim::AuditSigner::LoadOrCreate(dir_ + "/audit.key");
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    pim::AuditChain chain(0, std::string(64, '0'), &*signer);
    for (int i = 1; i <= 3; ++i) {
      pim::AuditEvent e;
      e.id = "00000000-0000-4000-8000-00000000000" + std::to_string(i);
      e.time = Timestamp::FromSeconds(1795651200 + i);
      e.category = "RoleManagement";
      e.activity = "Add member to role completed (PIM activation)";
      e.initiator_id = kAlice;
      e.details.emplace_back("justification", "incident " + std::to_string(i));
      lines_.push_back(json::serialize(pim::SealedRecordToJson(chain.Seal(e))));
    }
    const pim::AuditCheckpoint c = chain.Checkpoint(Timestamp::FromSeconds(1795651300));
    std::ofstream(dir_ + "/kept") << "pim-audit-checkpoint-v1\nseq=" << c.seq
                                  << "\nhead_hash=" << c.head_hash
                                  << "\ntime_us=" << c.time.micros()
                                  << "\nsignature=" << c.signature << "\n";
    std::ofstream(dir_ + "/key.pem") << signer->PublicKeyPem();
  }
  void WriteExport() {
    std::ofstream file(dir_ + "/records.jsonl", std::ios::trunc);
    for (const std::string& line : lines_) file << line << '\n';
  }
  int Offline(bool with_checkpoint = true) {
    std::vector<std::string> args = {
        "audit", "verify", "--offline", dir_ + "/records.jsonl", "--public-key", dir_ + "/key.pem"};
    if (with_checkpoint) args.insert(args.end(), {"--checkpoint", dir_ + "/kept"});
    return Pim(args);
  }
  std::vector<std::string> lines_;
};

TEST_F(OfflineVerifyTest, ASoundExportVerifiesWithoutTheServer) {
  WriteExport();
  ASSERT_EQ(Offline(), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "Audit export intact: 3 records verified (signed checkpoint at sequence 3), and it "
            "matches the 1 checkpoint(s) given\n");
  EXPECT_TRUE(server_.sent().empty());
}

TEST_F(OfflineVerifyTest, AnEditedRecordFailsNamingIt) {
  lines_[1].replace(lines_[1].find("incident 2"), 10, "incident 7");
  WriteExport();
  EXPECT_EQ(Offline(), 1);
  EXPECT_EQ(err_.str(),
            "pim: audit export verification FAILED: altered at sequence 2 (audit record 2 was "
            "altered (hash mismatch))\n");
}

TEST_F(OfflineVerifyTest, WithoutACheckpointKeptItRefusesToVouch) {
  WriteExport();
  EXPECT_NE(Offline(/*with_checkpoint=*/false), 0);
  EXPECT_NE(err_.str().find("at least one --checkpoint"), std::string::npos) << err_.str();
  EXPECT_EQ(out_.str(), "");
}

// pimd writes @odata.nextLink with the scheme and Host it was reached by: behind a proxy that
// terminates TLS that is http://, and a Host header can name anything. The bearer token goes only
// to the server pim signed in to: a link's path and query are followed there.
TEST_F(CommandsTest, NextLinksAreFollowedOnTheSignedInServerOnly) {
  SignIn();
  server_.Expect(
      "GET", "/v1.0/auditLogs/directoryAudits?$top=999", 200,
      R"({"value":[{"id":"a3"}],)"
      R"("@odata.nextLink":"http://proxy.internal:8080/v1.0/auditLogs/directoryAudits?$skiptoken=x"})");
  server_.Expect(
      "GET", "/v1.0/auditLogs/directoryAudits?$skiptoken=x", 200,
      R"({"value":[{"id":"a2"}],)"
      R"("@odata.nextLink":"https://elsewhere.example/v1.0/auditLogs/directoryAudits?$skiptoken=y"})");
  server_.Expect("GET", "/v1.0/auditLogs/directoryAudits?$skiptoken=y", 200,
                 R"({"value":[{"id":"a1"}]})");
  ASSERT_EQ(Pim({"audit", "export"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "{\"id\":\"a3\"}\n{\"id\":\"a2\"}\n{\"id\":\"a1\"}\n");
}

// Behind a proxy serving pimd under a path: a link pimd made with --public-url carries that path
// and is followed as it is; one made without it carries only pimd's own path, which is followed
// under the signed-in server's. The path is never doubled, and a look-alike host gets nothing.
TEST_F(CommandsTest, NextLinksKeepTheSignedInServersPath) {
  SignIn("http://pim.test/pim/");
  server_.Expect(
      "GET", "/pim/v1.0/auditLogs/directoryAudits?$top=999", 200,
      R"({"value":[{"id":"a4"}],)"
      R"("@odata.nextLink":"http://pim.test/pim/v1.0/auditLogs/directoryAudits?$skiptoken=x"})");
  server_.Expect(
      "GET", "/pim/v1.0/auditLogs/directoryAudits?$skiptoken=x", 200,
      R"({"value":[{"id":"a3"}],)"
      R"("@odata.nextLink":"http://127.0.0.1:8080/v1.0/auditLogs/directoryAudits?$skiptoken=y"})");
  server_.Expect(
      "GET", "/pim/v1.0/auditLogs/directoryAudits?$skiptoken=y", 200,
      R"({"value":[{"id":"a2"}],)"
      R"("@odata.nextLink":"http://pim.test.evil/v1.0/auditLogs/directoryAudits?$skiptoken=z"})");
  server_.Expect("GET", "/pim/v1.0/auditLogs/directoryAudits?$skiptoken=z", 200,
                 R"({"value":[{"id":"a1"}]})");
  ASSERT_EQ(Pim({"audit", "export"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "{\"id\":\"a4\"}\n{\"id\":\"a3\"}\n{\"id\":\"a2\"}\n{\"id\":\"a1\"}\n");
}

}  // namespace
}  // namespace pim::cli
