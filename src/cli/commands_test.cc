// Command-level tests: the real command code against a scripted fake server.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <deque>
#include <filesystem>
#include <sstream>

#include "cli/cli.h"
#include "cli/json_util.h"

namespace pim::cli {
namespace {

constexpr char kGlobalAdmin[] = "62e90394-69f5-4237-9190-012177145e10";
constexpr char kAlice[] = "00000000-0000-4000-8000-00000000000a";

struct Exchange {
  std::string method;
  std::string path;  // expected URL without the server prefix
  int status;
  std::string body;
};

// Answers requests from a script, in order, and records what was sent.
class ScriptedServer {
 public:
  void Expect(std::string method, std::string path, int status, std::string body) {
    script_.push_back({std::move(method), std::move(path), status, std::move(body)});
  }
  Result<HttpResponse> Send(const HttpRequest& r) {
    sent_.push_back(r);
    if (script_.empty()) {
      ADD_FAILURE() << "unexpected " << r.method << " " << r.url;
      return HttpResponse{500, "{}", ""};
    }
    Exchange e = script_.front();
    script_.pop_front();
    EXPECT_EQ(r.method, e.method);
    EXPECT_EQ(r.url, "http://pim.test" + e.path);
    return HttpResponse{e.status, e.body, ""};
  }
  bool done() const { return script_.empty(); }
  const std::vector<HttpRequest>& sent() const { return sent_; }

 private:
  std::deque<Exchange> script_;
  std::vector<HttpRequest> sent_;
};

class ForwardingTransport final : public HttpTransport {
 public:
  explicit ForwardingTransport(ScriptedServer& s) : server_(s) {}
  Result<HttpResponse> Send(const HttpRequest& r) override { return server_.Send(r); }

 private:
  ScriptedServer& server_;
};

class ScriptedPrompter final : public Prompter {
 public:
  std::deque<std::string> answers;
  std::vector<std::string> asked;
  Result<std::string> ReadLine(std::string_view prompt) override { return Answer(prompt); }
  Result<std::string> ReadSecret(std::string_view prompt) override { return Answer(prompt); }

 private:
  Result<std::string> Answer(std::string_view prompt) {
    asked.emplace_back(prompt);
    if (answers.empty()) return FailedPrecondition("no input");
    std::string a = answers.front();
    answers.pop_front();
    return a;
  }
};

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pim_cli_commands_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    config_path_ = dir_ + "/pim/config.json";
  }
  void TearDown() override {
    EXPECT_TRUE(server_.done()) << "the command skipped scripted requests";
    std::filesystem::remove_all(dir_);
  }

  void SignIn() {
    CliConfig c;
    c.server = "http://pim.test";
    c.access_token = "at1";
    c.refresh_token = "rt1";
    c.user_id = kAlice;
    c.user_principal_name = "alice@pim.local";
    ASSERT_TRUE(SaveConfig(config_path_, c).ok());
  }

  int Pim(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    Context ctx{.out = out_,
                .err = err_,
                .in = in_,
                .prompter = prompter_,
                .clock = clock_,
                .env =
                    [this](const char* name) {
                      auto it = env_.find(name);
                      return it == env_.end() ? std::string() : it->second;
                    },
                .make_transport = [this](const std::string&) -> std::unique_ptr<HttpTransport> {
                  return std::make_unique<ForwardingTransport>(server_);
                },
                .config_path = config_path_};
    return cli::Run(args, ctx);
  }

  void ExpectRoleDefinitions() {
    server_.Expect("GET", "/v1.0/roleManagement/directory/roleDefinitions", 200,
                   std::string(R"({"value":[{"id":")") + kGlobalAdmin +
                       R"(","displayName":"Global Administrator"},)"
                       R"({"id":"729827e3-9c14-49f7-bb1b-9608f156bbb8",)"
                       R"("displayName":"Helpdesk Administrator"}]})");
  }

  json::value SentJson(size_t i) { return *ParseJson(server_.sent().at(i).body); }

  std::string dir_, config_path_;
  ScriptedServer server_;
  ScriptedPrompter prompter_;
  FakeClock clock_{Timestamp::FromSeconds(1795651200)};  // 2026-11-26T00:00:00Z
  std::map<std::string, std::string> env_;
  std::stringstream in_, out_, err_;
};

TEST_F(CommandsTest, LoginStoresTokensAndUserInA0600File) {
  in_.str("correct horse battery\n");
  server_.Expect("POST", "/oauth2/v2.0/token", 200,
                 R"({"access_token":"at1","token_type":"Bearer","expires_in":3600,)"
                 R"("refresh_token":"rt1"})");
  server_.Expect(
      "GET", "/v1.0/me", 200,
      std::string(R"({"id":")") + kAlice + R"(","userPrincipalName":"alice@pim.local"})");
  ASSERT_EQ(Pim({"login", "--server", "http://pim.test/", "--user", "alice@pim.local",
                 "--password-stdin"}),
            0)
      << err_.str();
  EXPECT_EQ(out_.str(), "Signed in to http://pim.test as alice@pim.local\n");
  EXPECT_EQ(server_.sent()[0].body,
            "grant_type=password&username=alice%40pim.local&password=correct%20horse%20battery");
  EXPECT_EQ(server_.sent()[1].headers.back().second, "Bearer at1");

  Result<CliConfig> c = LoadConfig(config_path_);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_token, "at1");
  EXPECT_EQ(c->refresh_token, "rt1");
  EXPECT_EQ(c->user_id, kAlice);
  struct stat st;
  ASSERT_EQ(stat(config_path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(CommandsTest, LoginFailureShowsOAuthErrorAndExits1) {
  env_["PIM_PASSWORD"] = "wrong password";
  server_.Expect("POST", "/oauth2/v2.0/token", 400,
                 R"({"error":"invalid_grant","error_description":"invalid username or password"})");
  EXPECT_EQ(Pim({"login", "--server", "http://pim.test", "--user", "alice@pim.local"}), 1);
  EXPECT_EQ(err_.str(), "pim: invalid_grant: invalid username or password\n");
  EXPECT_EQ(LoadConfig(config_path_).status().code(), StatusCode::kNotFound);
}

TEST_F(CommandsTest, NotSignedIn) {
  EXPECT_EQ(Pim({"roles"}), 1);
  EXPECT_NE(err_.str().find("pim: not signed in; run 'pim login"), std::string::npos);
}

TEST_F(CommandsTest, UsageErrorsExit2) {
  EXPECT_EQ(Pim({"activate"}), 2);
  EXPECT_EQ(err_.str().rfind("pim: ", 0), 0u) << err_.str();
  EXPECT_EQ(Pim({"frobnicate"}), 2);
  EXPECT_EQ(Pim({"--help"}), 0);
  EXPECT_NE(out_.str().find("activate"), std::string::npos);
}

TEST_F(CommandsTest, ActivateWithMfaStepUpRetriesOnceWithFreshTokens) {
  SignIn();
  ExpectRoleDefinitions();
  const std::string mfa_refusal =
      R"({"error":{"code":"RoleAssignmentRequestPolicyValidationFailed",)"
      R"("message":"The following policy rules failed: [\"MfaRule\"]",)"
      R"("innerError":{"code":"MfaRequired","failedRules":["MfaRule"]}}})";
  server_.Expect("POST", "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests", 400,
                 mfa_refusal);
  server_.Expect(
      "POST", "/oauth2/v2.0/token", 200,
      R"({"access_token":"at2","refresh_token":"rt2","mfa_time":"2026-11-26T00:00:00Z"})");
  server_.Expect("POST", "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests", 201,
                 std::string(R"({"id":"req-1","status":"Granted","action":"selfActivate",)") +
                     R"("roleDefinitionId":")" + kGlobalAdmin +
                     R"(","scheduleInfo":{"startDateTime":"2026-11-26T00:00:00Z",)"
                     R"("expiration":{"type":"afterDuration","duration":"PT1H30M"}}})");
  ASSERT_EQ(Pim({"activate", "global administrator", "--duration", "90m", "--justification",
                 "INC-7 outage", "--ticket", "INC-7", "--otp", "123456"}),
            0)
      << err_.str();
  EXPECT_EQ(out_.str(),
            "Granted: Global Administrator at / until 2026-11-26T01:30:00Z (1h 30m left)\n"
            "Request id: req-1\n");

  const json::value body = SentJson(1);
  EXPECT_EQ(Str(body, "action"), "selfActivate");
  EXPECT_EQ(Str(body, "principalId"), kAlice);
  EXPECT_EQ(Str(body, "roleDefinitionId"), kGlobalAdmin);
  EXPECT_EQ(Str(body, "directoryScopeId"), "/");
  EXPECT_EQ(Str(body, "justification"), "INC-7 outage");
  EXPECT_EQ(StrAt(body, {"ticketInfo", "ticketNumber"}), "INC-7");
  EXPECT_EQ(StrAt(body, {"scheduleInfo", "expiration", "duration"}), "PT1H30M");
  EXPECT_EQ(server_.sent()[2].body, "grant_type=refresh_token&refresh_token=rt1&otp=123456");
  EXPECT_EQ(server_.sent()[3].body, server_.sent()[1].body);
  EXPECT_EQ(server_.sent()[3].headers[1].second, "Bearer at2");
  EXPECT_EQ(LoadConfig(config_path_)->access_token, "at2");
  EXPECT_EQ(LoadConfig(config_path_)->refresh_token, "rt2");
}

TEST_F(CommandsTest, ActivateMfaRequiredWithoutAnyCodeFailsClearly) {
  SignIn();
  ExpectRoleDefinitions();
  server_.Expect("POST", "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests", 400,
                 R"({"error":{"code":"RoleAssignmentRequestPolicyValidationFailed",)"
                 R"("message":"MFA required","innerError":{"code":"MfaRequired"}}})");
  EXPECT_EQ(Pim({"activate", kGlobalAdmin, "--duration", "PT1H"}), 1);
  EXPECT_NE(err_.str().find("pass --otp CODE or set PIM_OTP"), std::string::npos) << err_.str();
  EXPECT_EQ(prompter_.asked.size(), 1u);
}

TEST_F(CommandsTest, PendingApprovalPrintsApprovalId) {
  SignIn();
  ExpectRoleDefinitions();
  server_.Expect("POST", "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests", 201,
                 R"({"id":"req-2","status":"PendingApproval","approvalId":"appr-2"})");
  ASSERT_EQ(Pim({"activate", "Helpdesk Administrator", "--duration", "1h", "--scope", "/eu"}), 0)
      << err_.str();
  EXPECT_EQ(out_.str(),
            "PendingApproval: Helpdesk Administrator at /eu; waiting for approval (approval id "
            "appr-2)\nRequest id: req-2\n");
}

TEST_F(CommandsTest, ExpiredAccessTokenIsRefreshedOnceAndSaved) {
  SignIn();
  server_.Expect("GET", "/v1.0/pim/audit/verify", 401,
                 R"({"error":{"code":"InvalidAuthenticationToken","message":"expired"}})");
  server_.Expect("POST", "/oauth2/v2.0/token", 200,
                 R"({"access_token":"at9","refresh_token":"rt9"})");
  server_.Expect("GET", "/v1.0/pim/audit/verify", 200,
                 R"({"ok":true,"recordsChecked":12,"checkpointSeq":10})");
  ASSERT_EQ(Pim({"audit", "verify"}), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "Audit log intact: 12 records verified (signed checkpoint at sequence 10)\n");
  EXPECT_EQ(server_.sent()[1].body, "grant_type=refresh_token&refresh_token=rt1");
  EXPECT_EQ(LoadConfig(config_path_)->access_token, "at9");
}

TEST_F(CommandsTest, FailedRefreshAsksToLogInAgain) {
  SignIn();
  server_.Expect("GET", "/v1.0/pim/audit/verify", 401, "");
  server_.Expect("POST", "/oauth2/v2.0/token", 400, R"({"error":"invalid_grant"})");
  EXPECT_EQ(Pim({"audit", "verify"}), 1);
  EXPECT_EQ(err_.str(), "pim: session expired (invalid_grant); run 'pim login'\n");
}

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

TEST_F(CommandsTest, RolesTableShowsNamesAndTimeLeft) {
  SignIn();
  const std::string base = "/v1.0/roleManagement/directory/";
  server_.Expect(
      "GET", base + "roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')", 200,
      std::string(R"({"value":[{"roleDefinitionId":"729827e3-9c14-49f7-bb1b-9608f156bbb8",)") +
          R"("directoryScopeId":"/","endDateTime":null}],)"
          R"("@odata.nextLink":"http://pim.test/v1.0/next?$skiptoken=2"})");
  server_.Expect("GET", "/v1.0/next?$skiptoken=2", 200,
                 std::string(R"({"value":[{"roleDefinitionId":")") + kGlobalAdmin +
                     R"(","directoryScopeId":"/","endDateTime":"2027-01-01T00:00:00Z"}]})");
  server_.Expect("GET",
                 base + "roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')", 200,
                 std::string(R"({"value":[{"roleDefinitionId":")") + kGlobalAdmin +
                     R"(","directoryScopeId":"/","assignmentType":"Activated",)"
                     R"("endDateTime":"2026-11-26T01:23:30Z"}]})");
  ExpectRoleDefinitions();
  ASSERT_EQ(Pim({"roles"}), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "ROLE                    SCOPE  STATE     ENDS                  LEFT\n"
            "Global Administrator    /      active    2026-11-26 01:23:30Z  1h 23m\n"
            "Helpdesk Administrator  /      eligible  -                     permanent\n"
            "Global Administrator    /      eligible  2027-01-01 00:00:00Z  36d 0h\n");
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

TEST_F(CommandsTest, JsonFlagPrintsServerJson) {
  SignIn();
  server_.Expect("GET",
                 "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests/"
                 "filterByCurrentUser(on='principal')",
                 200, R"({"value":[{"id":"r1","status":"Granted"}]})");
  ASSERT_EQ(Pim({"requests", "--json"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "[{\"id\":\"r1\",\"status\":\"Granted\"}]\n");
}

TEST_F(CommandsTest, GraphErrorsAreShownAsCodeAndMessage) {
  SignIn();
  ExpectRoleDefinitions();
  server_.Expect(
      "POST", "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests", 409,
      R"({"error":{"code":"RoleAssignmentExists","message":"an activation is pending"}})");
  EXPECT_EQ(Pim({"activate", "Global Administrator", "--duration", "1h"}), 1);
  EXPECT_EQ(err_.str(), "pim: RoleAssignmentExists: an activation is pending\n");
}

TEST_F(CommandsTest, UnknownRoleIsNamed) {
  SignIn();
  ExpectRoleDefinitions();
  EXPECT_EQ(Pim({"deactivate", "Wizard"}), 1);
  EXPECT_EQ(err_.str(), "pim: no role named 'Wizard' (see 'pim roles')\n");
}

}  // namespace
}  // namespace pim::cli
