// Command tests: sign-in, token refresh, roles, activation, errors.
#include <gtest/gtest.h>

#include "cli/commands_test_util.h"

namespace pim::cli {
namespace {

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

// pimd serves plain HTTP off loopback only with --insecure-http; pim says what signing in over it
// costs, before the password is sent.
constexpr char kPlainHttpWarning[] =
    "pim: warning: http://pim.test is plain HTTP: the password, one-time codes and tokens cross "
    "the network unencrypted; use https://\n";

// Signing in again replaces the session in the config file: the old one ends on the server too.
TEST_F(CommandsTest, LoginOverASessionEndsTheOldOne) {
  SignIn();  // tokens at1 / rt1
  env_["PIM_PASSWORD"] = "correct horse battery";
  server_.Expect("POST", "/oauth2/v2.0/token", 200,
                 R"({"access_token":"at2","token_type":"Bearer","expires_in":3600,)"
                 R"("refresh_token":"rt2"})");
  server_.Expect(
      "GET", "/v1.0/me", 200,
      std::string(R"({"id":")") + kAlice + R"(","userPrincipalName":"alice@pim.local"})");
  server_.Expect("POST", "/oauth2/v2.0/revoke", 200, "{}");
  ASSERT_EQ(Pim({"login", "--user", "alice@pim.local"}), 0) << err_.str();
  ASSERT_EQ(server_.sent().size(), 3u);
  EXPECT_EQ(server_.sent()[2].body, "token=rt1&token_type_hint=refresh_token");
  EXPECT_EQ(LoadConfig(config_path_)->refresh_token, "rt2");
  EXPECT_EQ(err_.str(), kPlainHttpWarning);  // pim.test is not this machine
}

TEST_F(CommandsTest, LoginFailureShowsOAuthErrorAndExits1) {
  env_["PIM_PASSWORD"] = "wrong password";
  server_.Expect("POST", "/oauth2/v2.0/token", 400,
                 R"({"error":"invalid_grant","error_description":"invalid username or password"})");
  EXPECT_EQ(Pim({"login", "--server", "http://pim.test", "--user", "alice@pim.local"}), 1);
  EXPECT_EQ(err_.str(),
            std::string(kPlainHttpWarning) + "pim: invalid_grant: invalid username or password\n");
  EXPECT_EQ(LoadConfig(config_path_).status().code(), StatusCode::kNotFound);
}

TEST_F(CommandsTest, PasswdAsksForTheNewPasswordTwiceAndSendsTheChange) {
  SignIn();
  prompter_.answers = {"old password here", "a new passphrase", "a new passphrase"};
  server_.Expect("POST", "/v1.0/me/changePassword", 204, "");
  ASSERT_EQ(Pim({"passwd"}), 0) << err_.str();
  EXPECT_EQ(prompter_.asked, (std::vector<std::string>{
                                 "Current password: ", "New password: ", "New password again: "}));
  EXPECT_EQ(SentJson(0), (json::value{{"currentPassword", "old password here"},
                                      {"newPassword", "a new passphrase"}}));
  EXPECT_EQ(out_.str(), "Password changed; every other session of yours has ended.\n");
  EXPECT_EQ(LoadConfig(config_path_)->access_token, "at1");  // this session goes on
}

TEST_F(CommandsTest, PasswdRefusesNewPasswordsThatDifferWithoutAskingTheServer) {
  SignIn();
  prompter_.answers = {"old password here", "a new passphrase", "a new passfrase"};
  EXPECT_EQ(Pim({"passwd"}), 1);
  EXPECT_EQ(err_.str(), "pim: the new passwords do not match\n");
  EXPECT_TRUE(server_.sent().empty());
}

TEST_F(CommandsTest, PasswdReadsStdinOrTheEnvironmentAndShowsTheServersRefusal) {
  SignIn();
  in_.str("old password here\na new passphrase\n");
  server_.Expect("POST", "/v1.0/me/changePassword", 403,
                 R"({"error":{"code":"Authorization_RequestDenied",)"
                 R"("message":"the current password is not correct"}})");
  EXPECT_EQ(Pim({"passwd", "--password-stdin"}), 1);
  EXPECT_NE(err_.str().find("the current password is not correct"), std::string::npos)
      << err_.str();
  EXPECT_EQ(SentJson(0).at("newPassword"), "a new passphrase");
  env_["PIM_PASSWORD"] = "old password here";
  env_["PIM_NEW_PASSWORD"] = "another passphrase";
  server_.Expect("POST", "/v1.0/me/changePassword", 204, "");
  ASSERT_EQ(Pim({"passwd"}), 0) << err_.str();
  EXPECT_EQ(SentJson(1).at("newPassword"), "another passphrase");
  EXPECT_TRUE(prompter_.asked.empty());
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

// A usage error names the help of the command it is in, where the missing option is described.
TEST_F(CommandsTest, UsageErrorsPointToTheSubcommandsHelp) {
  EXPECT_EQ(Pim({"approve", "req-1"}), 2);
  EXPECT_EQ(err_.str(), "pim: --reason is required (see 'pim approve --help')\n");
  EXPECT_EQ(Pim({"admin", "policy", "set"}), 2);
  EXPECT_EQ(err_.str(), "pim: ROLE is required (see 'pim admin policy set --help')\n");
  EXPECT_EQ(Pim({"admin", "policy"}), 2);
  EXPECT_NE(err_.str().find("(see 'pim admin policy --help')"), std::string::npos) << err_.str();
  EXPECT_EQ(Pim({"frobnicate"}), 2);
  EXPECT_NE(err_.str().find("(see 'pim --help')"), std::string::npos) << err_.str();
  EXPECT_EQ(Pim({"approve", "--help"}), 0);
  EXPECT_NE(out_.str().find("--reason"), std::string::npos) << out_.str();
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
  ExpectAuthenticators(R"([{"id":"m-1","pimVerified":true}])");
  server_.Expect(
      "POST", "/oauth2/v2.0/token", 200,
      R"({"access_token":"at2","refresh_token":"rt2","mfa_time":"2026-11-26T00:00:00Z"})");
  server_.Expect("POST", "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests", 201,
                 std::string(R"({"id":"req-1","status":"Granted","action":"selfActivate",)") +
                     R"("roleDefinitionId":")" + kGlobalAdmin +
                     R"(","scheduleInfo":{"startDateTime":"2026-11-26T00:00:00Z",)"
                     R"("expiration":{"type":"afterDuration","duration":"PT1H30M"}}})");
  prompter_.answers = {"123456"};
  ASSERT_EQ(Pim({"activate", "global administrator", "--duration", "90m", "--justification",
                 "INC-7 outage", "--ticket", "INC-7"}),
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
  EXPECT_EQ(server_.sent()[3].body, "grant_type=refresh_token&refresh_token=rt1&otp=123456");
  EXPECT_EQ(server_.sent()[4].body, server_.sent()[1].body);
  EXPECT_EQ(server_.sent()[4].headers[1].second, "Bearer at2");
  EXPECT_EQ(LoadConfig(config_path_)->access_token, "at2");
  EXPECT_EQ(LoadConfig(config_path_)->refresh_token, "rt2");
  EXPECT_EQ(LoadConfig(config_path_)->mfa_time, "2026-11-26T00:00:00Z");
}

// A code in hand (--otp) and no recent MFA in the session: MFA is proved before the request, so
// the server has no refusal to audit before the grant. The next activation within the proof's
// freshness does not spend a code again (the same one would be a replay).
TEST_F(CommandsTest, ActivateWithACodeInHandProvesMfaFirstAndOnlyWhenStale) {
  SignIn();
  ExpectRoleDefinitions();
  const std::string requests = "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests";
  server_.Expect(
      "POST", "/oauth2/v2.0/token", 200,
      R"({"access_token":"at2","refresh_token":"rt2","mfa_time":"2026-11-26T00:00:00Z"})");
  server_.Expect("POST", requests, 201, R"({"id":"req-1","status":"Provisioned"})");
  ASSERT_EQ(Pim({"activate", kGlobalAdmin, "--duration", "1h", "--otp", "123456"}), 0)
      << err_.str();
  EXPECT_EQ(server_.sent()[1].body, "grant_type=refresh_token&refresh_token=rt1&otp=123456");
  EXPECT_EQ(server_.sent()[2].headers[1].second, "Bearer at2");

  clock_.Advance(Duration::Seconds(20));
  ExpectRoleDefinitions();
  server_.Expect("POST", requests, 201, R"({"id":"req-2","status":"Provisioned"})");
  ASSERT_EQ(Pim({"activate", "Helpdesk Administrator", "--duration", "1h", "--otp", "123456"}), 0)
      << err_.str();
  EXPECT_EQ(server_.sent().size(), 5u);  // no second step-up

  // Five minutes on, the proof is stale: the code is spent first again.
  clock_.Advance(Duration::Minutes(5));
  ExpectRoleDefinitions();
  server_.Expect(
      "POST", "/oauth2/v2.0/token", 200,
      R"({"access_token":"at3","refresh_token":"rt3","mfa_time":"2026-11-26T00:05:20Z"})");
  server_.Expect("POST", requests, 201, R"({"id":"req-3","status":"Provisioned"})");
  ASSERT_EQ(Pim({"activate", kGlobalAdmin, "--duration", "1h", "--otp", "654321"}), 0)
      << err_.str();
  EXPECT_EQ(server_.sent()[6].body, "grant_type=refresh_token&refresh_token=rt2&otp=654321");
}

TEST_F(CommandsTest, ActivateMfaRequiredWithoutAnyCodeFailsClearly) {
  SignIn();
  ExpectRoleDefinitions();
  server_.Expect("POST", "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests", 400,
                 R"({"error":{"code":"RoleAssignmentRequestPolicyValidationFailed",)"
                 R"("message":"MFA required","innerError":{"code":"MfaRequired"}}})");
  ExpectAuthenticators(R"([{"id":"m-1","pimVerified":true}])");
  EXPECT_EQ(Pim({"activate", kGlobalAdmin, "--duration", "PT1H"}), 1);
  // One line on stderr (the reason is part of the prompt, which a terminal shows).
  EXPECT_EQ(err_.str(),
            "pim: This role requires a fresh MFA code: pass --otp CODE or set PIM_OTP\n");
  ASSERT_EQ(prompter_.asked.size(), 1u);
  EXPECT_EQ(prompter_.asked[0], "This role requires a fresh MFA code.\nAuthenticator code: ");
}

// A user with no authenticator cannot answer a request for a code: pim says to enroll one
// instead of asking. An enrollment never verified cannot answer either: pim names it. When the
// authenticators cannot be listed, pim asks for a code as before.
TEST_F(CommandsTest, ActivateMfaRequiredWithoutAnAuthenticatorSaysToEnrollOne) {
  SignIn();
  const std::string requests = "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests";
  const std::string mfa_refusal =
      R"({"error":{"code":"RoleAssignmentRequestPolicyValidationFailed",)"
      R"("message":"MFA required","innerError":{"code":"MfaRequired"}}})";
  ExpectRoleDefinitions();
  server_.Expect("POST", requests, 400, mfa_refusal);
  ExpectAuthenticators("[]");
  EXPECT_EQ(Pim({"activate", kGlobalAdmin, "--duration", "PT1H"}), 1);
  EXPECT_EQ(err_.str(),
            "pim: This role requires MFA and you have no authenticator: enroll one first with "
            "'pim mfa enroll'\n");
  EXPECT_TRUE(prompter_.asked.empty());

  ExpectRoleDefinitions();
  server_.Expect("POST", requests, 400, mfa_refusal);
  ExpectAuthenticators(R"([{"id":"m-7","pimVerified":false}])");
  EXPECT_EQ(Pim({"activate", kGlobalAdmin, "--duration", "PT1H"}), 1);
  EXPECT_EQ(err_.str(),
            "pim: This role requires MFA and your authenticator is not verified yet: complete "
            "its enrollment with 'pim mfa verify m-7 --code CODE'\n");
  EXPECT_TRUE(prompter_.asked.empty());

  ExpectRoleDefinitions();
  server_.Expect("POST", requests, 400, mfa_refusal);
  server_.Expect("GET", "/v1.0/me/authentication/softwareOathMethods", 500,
                 R"({"error":{"code":"InternalServerError","message":"database locked"}})");
  EXPECT_EQ(Pim({"activate", kGlobalAdmin, "--duration", "PT1H"}), 1);
  EXPECT_EQ(err_.str(),
            "pim: This role requires a fresh MFA code: pass --otp CODE or set PIM_OTP\n");
  EXPECT_EQ(prompter_.asked.size(), 1u);
}

// MFA and a justification both missing: asking for a code would only spend it on a retry that
// fails on the justification. The refusal is reported as it is, naming both rules.
TEST_F(CommandsTest, ActivateMissingMfaAndMoreAsksForNoCode) {
  SignIn();
  ExpectRoleDefinitions();
  server_.Expect("POST", "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests", 400,
                 R"({"error":{"code":"RoleAssignmentRequestPolicyValidationFailed",)"
                 R"("message":"The request failed the policy rules: MfaRule, JustificationRule",)"
                 R"("innerError":{"code":"MfaRequired","failedRules":["MfaRule",)"
                 R"("JustificationRule"]}}})");
  EXPECT_EQ(Pim({"activate", kGlobalAdmin, "--duration", "PT1H"}), 1);
  EXPECT_TRUE(prompter_.asked.empty());
  EXPECT_NE(err_.str().find("JustificationRule"), std::string::npos) << err_.str();
  EXPECT_TRUE(server_.done());  // no step-up, no retry
}

TEST_F(CommandsTest, CancelWithdrawsARequestAndShowsItsStatus) {
  SignIn();
  const std::string path = "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests/req-9";
  server_.Expect("POST", path + "/cancel", 204, "");
  server_.Expect("GET", path, 200, R"({"id":"req-9","status":"Canceled"})");
  ASSERT_EQ(Pim({"cancel", "req-9"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "Canceled request req-9 (Canceled)\n");
  server_.Expect("POST", path + "/cancel", 400,
                 R"({"error":{"code":"BadRequest","message":"only pending or scheduled )"
                 R"(requests can be cancelled"}})");
  EXPECT_EQ(Pim({"cancel", "req-9"}), 1);
  EXPECT_NE(err_.str().find("only pending or scheduled"), std::string::npos) << err_.str();
}

// Registering a second authenticator needs a recent code from the first (403, innerError.code
// MfaRequired): 'mfa enroll' steps up like 'activate', with --otp, $PIM_OTP or a prompt.
TEST_F(CommandsTest, MfaEnrollOfASecondAuthenticatorStepsUpWithTheFirst) {
  SignIn();
  const std::string methods = "/v1.0/me/authentication/softwareOathMethods";
  server_.Expect("POST", methods, 403,
                 R"({"error":{"code":"Authorization_RequestDenied","message":"registering )"
                 R"(another authenticator needs a recent one-time code",)"
                 R"("innerError":{"code":"MfaRequired"}}})");
  server_.Expect(
      "POST", "/oauth2/v2.0/token", 200,
      R"({"access_token":"at2","refresh_token":"rt2","mfa_time":"2026-11-26T00:00:00Z"})");
  server_.Expect("POST", methods, 201,
                 R"({"id":"m-2","secretKey":"GEZDGNBVGY3TQOJQ",)"
                 R"("otpauthUri":"otpauth://totp/pim:alice@pim.local?secret=GEZDGNBVGY3TQOJQ"})");
  prompter_.answers = {"654321"};
  ASSERT_EQ(Pim({"mfa", "enroll", "--no-verify"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("Secret: GEZDGNBVGY3TQOJQ"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("pim mfa verify m-2 --code CODE"), std::string::npos) << out_.str();
  EXPECT_EQ(server_.sent()[1].body, "grant_type=refresh_token&refresh_token=rt1&otp=654321");
  EXPECT_EQ(server_.sent()[2].headers[1].second, "Bearer at2");
  ASSERT_EQ(prompter_.asked.size(), 1u);
  EXPECT_NE(prompter_.asked[0].find("Authenticator code: "), std::string::npos);
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

// An extension adds its duration to the activation's end (capped by the eligibility), which the
// request does not carry: the new end is read from the extended schedule, not guessed as
// now + duration.
TEST_F(CommandsTest, ExtendShowsTheExtendedScheduleEnd) {
  SignIn();
  ExpectRoleDefinitions();
  server_.Expect("POST", "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests", 201,
                 R"({"id":"req-3","status":"Provisioned","action":"selfExtend",)"
                 R"("targetScheduleId":"sched-1","scheduleInfo":{"startDateTime":null,)"
                 R"("expiration":{"type":"afterDuration","endDateTime":null,)"
                 R"("duration":"PT1H"}}})");
  server_.Expect("GET", "/v1.0/roleManagement/directory/roleAssignmentSchedules/sched-1", 200,
                 R"({"id":"sched-1","scheduleInfo":{"startDateTime":"2025-11-25T23:40:00Z",)"
                 R"("expiration":{"type":"afterDateTime","endDateTime":"2026-11-26T01:20:00Z",)"
                 R"("duration":"PT40M"}}})");
  ASSERT_EQ(Pim({"extend", "Helpdesk Administrator", "--duration", "1h", "--justification",
                 "INC-8 still on it"}),
            0)
      << err_.str();
  EXPECT_EQ(out_.str(),
            "Provisioned: Helpdesk Administrator at / until 2026-11-26T01:20:00Z (1h 20m left)\n"
            "Request id: req-3\n");
  EXPECT_EQ(Str(SentJson(1), "action"), "selfExtend");
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

// Two pim processes on one config whose access token expired: the one that refreshes second
// must not present the refresh token the first just rotated away (the server would revoke the
// session for it). It finds the first one's tokens in the config file and uses them.
TEST_F(CommandsTest, ARefreshAnotherPimSavedMeanwhileIsAdoptedNotRepeated) {
  SignIn();
  server_.Expect("GET", "/v1.0/pim/audit/verify", 401, "", [this] {
    Result<CliConfig> c = LoadConfig(config_path_);  // the other pim's refresh lands here
    ASSERT_TRUE(c.ok());
    c->access_token = "at5";
    c->refresh_token = "rt5";
    ASSERT_TRUE(SaveConfig(config_path_, *c).ok());
  });
  server_.Expect("GET", "/v1.0/pim/audit/verify", 200,
                 R"({"ok":true,"recordsChecked":12,"checkpointSeq":10})");
  ASSERT_EQ(Pim({"audit", "verify"}), 0) << err_.str();
  ASSERT_EQ(server_.sent().size(), 2u);  // no refresh request
  std::string authorization;
  for (const auto& [name, value] : server_.sent()[1].headers) {
    if (name == "Authorization") authorization = value;
  }
  EXPECT_EQ(authorization, "Bearer at5");
  EXPECT_EQ(LoadConfig(config_path_)->refresh_token, "rt5");
}

TEST_F(CommandsTest, FailedRefreshAsksToLogInAgain) {
  SignIn();
  server_.Expect("GET", "/v1.0/pim/audit/verify", 401, "");
  server_.Expect("POST", "/oauth2/v2.0/token", 400, R"({"error":"invalid_grant"})");
  EXPECT_EQ(Pim({"audit", "verify"}), 1);
  EXPECT_EQ(err_.str(),
            "pim: the session has ended: it expired, was signed out or was revoked "
            "(invalid_grant); run 'pim login'\n");
}

// A refresh the server could not answer says nothing about the session: it may well be valid,
// and "expired" would send the user to sign in again for nothing, or hide the outage.
TEST_F(CommandsTest, RefreshTheServerCouldNotAnswerIsNotCalledAnEndedSession) {
  SignIn();
  server_.Expect("GET", "/v1.0/pim/audit/verify", 401, "");
  server_.Expect("POST", "/oauth2/v2.0/token", 503,
                 R"({"error":"temporarily_unavailable","error_description":"try later"})");
  EXPECT_EQ(Pim({"audit", "verify"}), 1);
  EXPECT_EQ(err_.str().find("session"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("temporarily_unavailable"), std::string::npos) << err_.str();
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
