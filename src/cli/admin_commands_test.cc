// Command tests: approvals, administration, policies and the audit log.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace pim::cli
