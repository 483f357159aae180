// Schedule requests, schedules, instances and approvals over a real PimService.
#include <cctype>

#include "core/role_catalog.h"
#include "http/graph/collection.h"
#include "http/graph/graph_test_util.h"

namespace pim::http::testing {
namespace {

const std::string kRequests = "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests";
const std::string kEligibilityRequests =
    "/v1.0/roleManagement/directory/roleEligibilityScheduleRequests";
const std::string kInstances = "/v1.0/roleManagement/directory/roleAssignmentScheduleInstances";
const std::string kSchedules = "/v1.0/roleManagement/directory/roleAssignmentSchedules";
const std::string kEligibilitySchedules = "/v1.0/roleManagement/directory/roleEligibilitySchedules";
const std::string kApprovals = "/v1.0/roleManagement/directory/roleAssignmentApprovals";
const std::string kHelpdesk = role_ids::kHelpdeskAdministrator;

bool IsGranted(const std::string& status) { return status == "Granted" || status == "Provisioned"; }

class RequestsTest : public GraphFixture {
 protected:
  void SetUp() override {
    GraphFixture::SetUp();
    alice_id_ = CreateUser("Alice", "alice@pim.local");
    alice_ = SignIn("alice@pim.local", kUserPassword);
    ASSERT_FALSE(alice_.empty());
    // Activation of the default policy demands MFA proven in the last five minutes.
    const std::string secret = EnrollTotp(alice_);
    ASSERT_FALSE(secret.empty());
    alice_ = SignInWithMfa("alice@pim.local", kUserPassword, secret);
    ASSERT_FALSE(alice_.empty());
    Reply eligible = Post(
        kEligibilityRequests,
        json::object{
            {"action", "adminAssign"},
            {"principalId", alice_id_},
            {"roleDefinitionId", kHelpdesk},
            {"directoryScopeId", "/"},
            {"justification", "on call"},
            {"scheduleInfo", json::object{{"expiration", json::object{{"type", "noExpiration"}}}}}},
        admin_token_);
    ASSERT_EQ(eligible.status, 201) << Dump(eligible);
    ASSERT_TRUE(IsGranted(eligible.Str("status"))) << Dump(eligible);
  }

  json::object Activation(const std::string& duration = "PT1H",
                          const std::string& justification = "fix the printer") {
    json::object body{
        {"action", "selfActivate"},
        {"principalId", alice_id_},
        {"roleDefinitionId", kHelpdesk},
        {"directoryScopeId", "/"},
        {"scheduleInfo", json::object{{"expiration", json::object{{"type", "afterDuration"},
                                                                  {"duration", duration}}}}}};
    if (!justification.empty()) body["justification"] = justification;
    return body;
  }

  std::string alice_id_;
  std::string alice_;
};

TEST_F(RequestsTest, SelfActivateRoundTrip) {
  const int deferred_before = deferred_responses_;
  Reply r = Post(kRequests, Activation(), alice_);
  ASSERT_EQ(r.status, 201) << Dump(r);
  EXPECT_EQ(last_route_, "roleAssignmentScheduleRequests.create");
  EXPECT_TRUE(last_blocking_);  // on a worker only while the engine is busy (last_inline_if_)
  EXPECT_TRUE(last_inline_if_);
  // The handler did not wait for the commit; the response did.
  EXPECT_EQ(deferred_responses_, deferred_before + 1);
  EXPECT_TRUE(IsGranted(r.Str("status"))) << Dump(r);
  EXPECT_EQ(r.Str("action"), "selfActivate");
  EXPECT_EQ(r.Str("principalId"), alice_id_);
  EXPECT_EQ(r.Str("justification"), "fix the printer");
  EXPECT_FALSE(r.Str("targetScheduleId").empty());
  EXPECT_EQ(r.obj().at("createdBy").as_object().at("user").as_object().at("id"),
            json::value(alice_id_));
  EXPECT_EQ(r.Str("@odata.context"),
            std::string(kBaseUrl) +
                "/v1.0/$metadata#roleManagement/directory/roleAssignmentScheduleRequests/$entity");

  Reply again = Get(kRequests + "/" + r.Str("id"), alice_);
  ASSERT_EQ(again.status, 200) << Dump(again);
  EXPECT_EQ(again.Str("status"), r.Str("status"));

  // The instance is in force for exactly the hour asked for.
  Reply mine = Get(kInstances + "/filterByCurrentUser(on='principal')", alice_);
  ASSERT_EQ(mine.status, 200) << Dump(mine);
  ASSERT_EQ(mine.Value().size(), 1u);
  const json::object& instance = mine.Value()[0].as_object();
  EXPECT_EQ(instance.at("roleDefinitionId"), json::value(kHelpdesk));
  EXPECT_EQ(instance.at("assignmentType"), "Activated");
  auto start = ParseTimestamp(instance.at("startDateTime").as_string()).value();
  auto end = ParseTimestamp(instance.at("endDateTime").as_string()).value();
  EXPECT_EQ(end - start, Duration::Hours(1));
  // One instance by id: its owner and a reader see it, another user does not.
  const std::string instance_url = kInstances + "/" + instance.at("id").as_string().c_str();
  EXPECT_EQ(Get(instance_url, alice_).status, 200);
  Reply read = Get(instance_url, admin_token_);
  ASSERT_EQ(read.status, 200) << Dump(read);
  EXPECT_EQ(read.Str("roleDefinitionId"), kHelpdesk);
  CreateUser("Bob", "bob@pim.local");
  Reply hidden = Get(instance_url, SignIn("bob@pim.local", kUserPassword));
  EXPECT_EQ(hidden.status, 404) << Dump(hidden);
  EXPECT_EQ(Get(kInstances + "/00000000-0000-0000-0000-000000000000", admin_token_).status, 404);

  // The activated schedule links to the eligibility it used.
  Reply schedule =
      Get(kSchedules + "/" + r.Str("targetScheduleId") + "?$expand=activatedUsing", admin_token_);
  ASSERT_EQ(schedule.status, 200) << Dump(schedule);
  EXPECT_EQ(schedule.Str("createdUsing"), r.Str("id"));
  const json::object& elig = schedule.obj().at("activatedUsing").as_object();
  EXPECT_EQ(elig.at("principalId"), json::value(alice_id_));
  EXPECT_EQ(elig.at("memberType"), "Direct");

  // A second activation of the same role and scope is a conflict.
  Reply twice = Post(kRequests, Activation(), alice_);
  EXPECT_EQ(twice.status, 409) << Dump(twice);

  // At its end instant the activation is gone.
  clock_.Advance(Duration::Hours(1));
  EXPECT_TRUE(Get(kInstances + "/filterByCurrentUser(on='principal')", alice_).Value().empty());
  EXPECT_EQ(Get(instance_url, SignIn(kAdminUpn, kAdminPassword)).status, 404);
}

// OData lets a client name a bound function or action with its namespace
// (".../microsoft.graph.filterByCurrentUser(on='principal')", ".../{id}/microsoft.graph.cancel");
// Graph answers both spellings, and so does pim.
TEST_F(RequestsTest, BoundOperationsAnswerUnderTheirQualifiedNames) {
  json::object later = Activation();
  later["scheduleInfo"].as_object()["startDateTime"] =
      FormatTimestamp(clock_.Now() + Duration::Hours(2));
  Reply created = Post(kRequests, later, alice_);
  ASSERT_EQ(created.status, 201) << Dump(created);
  const std::string id = created.Str("id");

  Reply mine = Get(kRequests + "/microsoft.graph.filterByCurrentUser(on='principal')", alice_);
  ASSERT_EQ(mine.status, 200) << Dump(mine);
  ASSERT_EQ(mine.Value().size(), 1u) << Dump(mine);
  EXPECT_EQ(mine.Value()[0].at("id"), json::value(id));
  Reply eligible =
      Get(kEligibilitySchedules + "/microsoft.graph.filterByCurrentUser(on='principal')", alice_);
  ASSERT_EQ(eligible.status, 200) << Dump(eligible);
  EXPECT_EQ(eligible.Value().size(), 1u) << Dump(eligible);

  Reply canceled = Call("POST", kRequests + "/" + id + "/microsoft.graph.cancel", "", alice_);
  EXPECT_EQ(canceled.status, 204) << Dump(canceled);
  EXPECT_EQ(Get(kRequests + "/" + id, alice_).Str("status"), "Canceled");
}

TEST_F(RequestsTest, FilterExpandAndSelectOnInstances) {
  ASSERT_EQ(Post(kRequests, Activation(), alice_).status, 201);
  Reply all = Get(kInstances, admin_token_);
  ASSERT_EQ(all.status, 200) << Dump(all);
  EXPECT_GE(all.Value().size(), 3u);  // the administrator's two permanent roles and Alice's
  Reply filtered =
      Get(kInstances + "?$filter=principalId eq '" + alice_id_ + "' and roleDefinitionId eq '" +
              kHelpdesk + "'&$expand=principal,roleDefinition&$select=id,endDateTime",
          admin_token_);
  ASSERT_EQ(filtered.status, 200) << Dump(filtered);
  ASSERT_EQ(filtered.Value().size(), 1u);
  const json::object& i = filtered.Value()[0].as_object();
  EXPECT_EQ(i.at("principal").as_object().at("userPrincipalName"), "alice@pim.local");
  EXPECT_EQ(i.at("principal").as_object().at("@odata.type"), "#microsoft.graph.user");
  EXPECT_EQ(i.at("roleDefinition").as_object().at("displayName"), "Helpdesk Administrator");
  EXPECT_FALSE(i.contains("principalId"));  // not selected
  EXPECT_TRUE(i.contains("endDateTime"));
  Reply permanent = Get(kInstances + "?$filter=endDateTime eq null", admin_token_);
  ASSERT_EQ(permanent.status, 200) << Dump(permanent);
  for (const json::value& v : permanent.Value()) {
    EXPECT_EQ(v.as_object().at("principalId"), json::value(admin_id_));
  }
  EXPECT_EQ(Get(kInstances + "?$filter=shoeSize eq 1", admin_token_).status, 400);
  EXPECT_EQ(Get(kInstances + "?$expand=nothing", admin_token_).status, 400);
  EXPECT_EQ(Get(kInstances + "/filterByCurrentUser(on='approver')", admin_token_).status, 400);
  Reply eligibility = Get(kEligibilitySchedules + "/filterByCurrentUser(on='principal')", alice_);
  ASSERT_EQ(eligibility.Value().size(), 1u);
  EXPECT_TRUE(eligibility.Value()[0]
                  .as_object()
                  .at("scheduleInfo")
                  .as_object()
                  .at("expiration")
                  .as_object()
                  .at("endDateTime")
                  .is_null());
}

TEST_F(RequestsTest, PolicyRefusalsAndBadBodies) {
  Reply missing = Post(kRequests, Activation("PT1H", ""), alice_);
  ASSERT_EQ(missing.status, 400) << Dump(missing);
  EXPECT_EQ(missing.ErrorCode(), "RoleAssignmentRequestPolicyValidationFailed");
  const json::object& inner = missing.obj().at("error").as_object().at("innerError").as_object();
  EXPECT_EQ(inner.at("failedRules").as_array().at(0), "JustificationRule");
  EXPECT_TRUE(inner.contains("request-id"));

  Reply too_long = Post(kRequests, Activation("PT9H"), alice_);
  EXPECT_EQ(too_long.status, 400);
  EXPECT_NE(too_long.ErrorMessage().find("ExpirationRule"), std::string::npos);

  json::object past = Activation();
  past["scheduleInfo"] =
      json::object{{"expiration", json::object{{"type", "afterDateTime"},
                                               {"endDateTime", "2001-01-01T00:00:00Z"}}}};
  EXPECT_EQ(Post(kRequests, past, alice_).status, 400);
  Reply recurring =
      Call("POST", kRequests,
           R"({"action":"selfActivate","principalId":")" + alice_id_ + R"(","roleDefinitionId":")" +
               kHelpdesk +
               R"(","directoryScopeId":"/","justification":"x","scheduleInfo":{"recurrence":{}}})",
           alice_);
  EXPECT_EQ(recurring.status, 400);
  EXPECT_NE(recurring.ErrorMessage().find("recurrence"), std::string::npos);
  // Nothing was created by any refusal.
  EXPECT_TRUE(Get(kRequests + "/filterByCurrentUser(on='principal')", alice_).Value().empty());

  Reply validation = Post(
      kRequests,
      [&] {
        json::object b = Activation();
        b["isValidationOnly"] = true;
        return b;
      }(),
      alice_);
  EXPECT_EQ(validation.status, 201) << Dump(validation);
  EXPECT_EQ(validation.obj().at("isValidationOnly"), true);
  EXPECT_TRUE(Get(kInstances + "/filterByCurrentUser(on='principal')", alice_).Value().empty());

  EXPECT_EQ(Get(kRequests + "/00000000-0000-4000-8000-00000000ffff", alice_).status, 404);
  EXPECT_EQ(
      Call("POST", kRequests + "/00000000-0000-4000-8000-00000000ffff/cancel", "", alice_).status,
      404);
  // An ordinary user may not assign roles.
  Reply assign = Post(
      kEligibilityRequests,
      json::object{
          {"action", "adminAssign"},
          {"principalId", alice_id_},
          {"roleDefinitionId", role_ids::kGlobalAdministrator},
          {"directoryScopeId", "/"},
          {"justification", "please"},
          {"scheduleInfo", json::object{{"expiration", json::object{{"type", "noExpiration"}}}}}},
      alice_);
  EXPECT_EQ(assign.status, 403) << Dump(assign);
}

TEST_F(RequestsTest, RequestsPageByOne) {
  ASSERT_EQ(Post(kRequests, Activation(), alice_).status, 201);
  json::object deactivate{{"action", "selfDeactivate"},
                          {"principalId", alice_id_},
                          {"roleDefinitionId", kHelpdesk},
                          {"directoryScopeId", "/"}};
  Reply d = Post(kRequests, deactivate, alice_);
  ASSERT_EQ(d.status, 201) << Dump(d);
  ASSERT_EQ(Post(kRequests, Activation(), alice_).status, 201);
  std::vector<std::string> ids;
  std::string next = kRequests + "/filterByCurrentUser(on='principal')?$top=1&$count=true";
  while (!next.empty()) {
    Reply page = Get(next, alice_);
    ASSERT_EQ(page.status, 200) << Dump(page);
    EXPECT_EQ(page.obj().at("@odata.count"), 3);
    ASSERT_EQ(page.Value().size(), 1u);
    ids.emplace_back(page.Value()[0].as_object().at("id").as_string());
    next = page.Str("@odata.nextLink");
  }
  EXPECT_EQ(ids.size(), 3u);
  Reply actions = Get(kRequests + "?$filter=action eq 'selfDeactivate'", admin_token_);
  ASSERT_EQ(actions.Value().size(), 1u);
  EXPECT_EQ(actions.Value()[0].as_object().at("id"), json::value(d.Str("id")));
  // A reader's listing (scanned by position) pages through exactly what one page holds.
  Reply all = Get(kRequests, admin_token_);
  ASSERT_EQ(all.status, 200) << Dump(all);
  std::vector<std::string> everything, paged;
  for (const json::value& item : all.Value()) {
    everything.emplace_back(item.as_object().at("id").as_string());
  }
  EXPECT_GE(everything.size(), 3u);
  for (std::string link = kRequests + "?$top=1&$count=true"; !link.empty();) {
    Reply page = Get(link, admin_token_);
    ASSERT_EQ(page.status, 200) << Dump(page);
    EXPECT_EQ(page.obj().at("@odata.count"), static_cast<int64_t>(everything.size()));
    ASSERT_EQ(page.Value().size(), 1u);
    paged.emplace_back(page.Value()[0].as_object().at("id").as_string());
    link = page.Str("@odata.nextLink");
  }
  EXPECT_EQ(paged, everything);
  // principalId eq reads only that principal's requests (any case), and pages the same way.
  std::vector<std::string> alices;
  for (const json::value& item : all.Value()) {
    if (item.as_object().at("principalId") == json::value(alice_id_)) {
      alices.emplace_back(item.as_object().at("id").as_string());
    }
  }
  ASSERT_EQ(alices.size(), 3u);
  std::string upper = alice_id_;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::vector<std::string> filtered;
  for (std::string link = kRequests + "?$top=2&$filter=principalId eq '" + upper + "'";
       !link.empty();) {
    Reply page = Get(link, admin_token_);
    ASSERT_EQ(page.status, 200) << Dump(page);
    for (const json::value& item : page.Value()) {
      filtered.emplace_back(item.as_object().at("id").as_string());
    }
    link = page.Str("@odata.nextLink");
  }
  EXPECT_EQ(filtered, alices);
  Reply admins = Get(kRequests + "?$filter=principalId eq '" + admin_id_ + "'", admin_token_);
  ASSERT_EQ(admins.status, 200) << Dump(admins);
  for (const json::value& item : admins.Value()) {
    EXPECT_EQ(item.as_object().at("principalId"), json::value(admin_id_));
  }
  Reply forged = Get(kRequests + "?$skiptoken=" + EncodeSkipToken("offset", 1), admin_token_);
  EXPECT_EQ(forged.status, 400) << Dump(forged);
}

TEST_F(RequestsTest, ApprovalRoundTripAndCancel) {
  // Require approval by the administrator for Helpdesk Administrator.
  const std::string rule_path = PolicyPathOf(kHelpdesk) + "/rules/Approval_EndUser_Assignment";
  ASSERT_FALSE(HasFailure());
  Reply rule = Get(rule_path, admin_token_);
  ASSERT_EQ(rule.status, 200) << Dump(rule);
  json::object body = rule.obj();
  body.erase("@odata.context");
  json::object& setting = body["setting"].as_object();
  setting["isApprovalRequired"] = true;
  json::array& stages = setting["approvalStages"].as_array();
  ASSERT_FALSE(stages.empty());
  stages[0].as_object()["primaryApprovers"] = json::array{
      json::object{{"@odata.type", "#microsoft.graph.singleUser"}, {"userId", admin_id_}}};
  Reply patched = Call("PATCH", rule_path, json::serialize(body), admin_token_);
  ASSERT_EQ(patched.status, 200) << Dump(patched);

  Reply pending = Post(kRequests, Activation(), alice_);
  ASSERT_EQ(pending.status, 201) << Dump(pending);
  ASSERT_EQ(pending.Str("status"), "PendingApproval");
  const std::string approval = pending.Str("approvalId");
  ASSERT_FALSE(approval.empty());
  Reply to_review = Get(kRequests + "/filterByCurrentUser(on='approver')", admin_token_);
  ASSERT_EQ(to_review.Value().size(), 1u) << Dump(to_review);

  Reply a = Get(kApprovals + "/" + approval, admin_token_);
  ASSERT_EQ(a.status, 200) << Dump(a);
  const json::object& step = a.obj().at("steps").as_array().at(0).as_object();
  EXPECT_EQ(step.at("assignedToMe"), true);
  EXPECT_EQ(step.at("status"), "InProgress");
  EXPECT_EQ(step.at("pimQuorum"), 1);
  const std::string step_path =
      kApprovals + "/" + approval + "/steps/" + std::string(step.at("id").as_string());
  Reply alice_view = Get(kApprovals + "/" + approval + "/steps", alice_);
  if (alice_view.status == 200) {
    EXPECT_EQ(alice_view.Value().at(0).as_object().at("assignedToMe"), false);
  }
  EXPECT_EQ(Call("PATCH", step_path, R"({"reviewResult":"Perhaps"})", admin_token_).status, 400);
  Reply self_review =
      Call("PATCH", step_path, R"({"reviewResult":"Approve","justification":"me"})", alice_);
  EXPECT_EQ(self_review.status, 403) << Dump(self_review);
  Reply approve =
      Call("PATCH", step_path, R"({"reviewResult":"approve","justification":"ok"})", admin_token_);
  ASSERT_EQ(approve.status, 204) << Dump(approve);
  EXPECT_TRUE(IsGranted(Get(kRequests + "/" + pending.Str("id"), alice_).Str("status")));
  Reply reviewed = Get(step_path, admin_token_);
  EXPECT_EQ(reviewed.Str("reviewResult"), "Approve");
  EXPECT_EQ(reviewed.obj().at("reviewedBy").as_object().at("id"), json::value(admin_id_));
  EXPECT_EQ(reviewed.obj().at("pimReviews").as_array().size(), 1u);

  // Deactivate, ask again, and cancel the pending request.
  ASSERT_EQ(Post(kRequests,
                 json::object{{"action", "selfDeactivate"},
                              {"principalId", alice_id_},
                              {"roleDefinitionId", kHelpdesk},
                              {"directoryScopeId", "/"}},
                 alice_)
                .status,
            201);
  Reply second = Post(kRequests, Activation(), alice_);
  ASSERT_EQ(second.Str("status"), "PendingApproval") << Dump(second);
  EXPECT_EQ(Call("POST", kRequests + "/" + second.Str("id") + "/cancel", "", alice_).status, 204);
  EXPECT_EQ(Get(kRequests + "/" + second.Str("id"), alice_).Str("status"), "Canceled");
}

}  // namespace
}  // namespace pim::http::testing
