#include "core/policy.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>

namespace pim {
namespace {

namespace json = boost::json;

const char* kUser = "00000000-0000-4000-8000-0000000000aa";
const char* kGroup = "00000000-0000-4000-8000-0000000000bb";

json::object Rule(const Policy& p, std::string_view id) {
  Result<json::object> r = RuleToGraph(p, id);
  EXPECT_TRUE(r.ok()) << id << ": " << r.status().ToString();
  return r.ok() ? *r : json::object{};
}

// A policy where every rule differs from the defaults.
Policy CustomPolicy() {
  Policy p = MakeDefaultPolicy("policy-1", "Custom");
  p.expiration_enduser_assignment.maximum_duration = Duration::Minutes(90);
  p.expiration_admin_eligibility.is_expiration_required = true;
  p.expiration_admin_eligibility.maximum_duration = Duration::Days(30);
  p.expiration_admin_assignment.is_expiration_required = false;
  p.expiration_admin_assignment.maximum_duration = Duration::Days(1) + Duration::Hours(2);
  p.enablement_enduser_assignment.enabled_rules = {"Ticketing"};
  p.enablement_admin_eligibility.enabled_rules = {"Justification", "Ticketing"};
  p.enablement_admin_assignment.enabled_rules = {"MultiFactorAuthentication"};
  p.authentication_context_enduser_assignment.is_enabled = true;
  p.authentication_context_enduser_assignment.claim_value = "c1";
  ApprovalRule& a = p.approval_enduser_assignment;
  a.is_approval_required = true;
  a.is_approval_required_for_extension = true;
  a.is_requestor_justification_required = false;
  a.approval_mode = "Serial";
  ApprovalStageSetting s1, s2;
  s1.approval_stage_timeout_in_days = 2;
  s1.pim_quorum = 2;
  s1.primary_approvers = {{"#microsoft.graph.singleUser", kUser, "", "alice"},
                          {"#microsoft.graph.groupMembers", "", kGroup, ""}};
  s2.is_approver_justification_required = false;
  s2.is_escalation_enabled = true;
  s2.escalation_time_in_minutes = 30;
  s2.escalation_approvers = {{"#microsoft.graph.singleUser", kUser, "", ""}};
  a.approval_stages = {s1, s2};
  for (NotificationRule& n : p.notifications) {
    n.notification_level = "Critical";
    n.is_default_recipients_enabled = false;
    n.notification_recipients = {"sec@example.com"};
  }
  return p;
}

TEST(PolicyRuleIdsTest, SeventeenUniqueIdsAllResolvable) {
  const auto& ids = PolicyRuleIds();
  EXPECT_EQ(ids.size(), 17u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 17u);
  Policy p = MakeDefaultPolicy("p", "Directory");
  for (const std::string& id : ids) {
    EXPECT_FALSE(std::holds_alternative<std::monostate>(FindRule(p, id))) << id;
  }
  EXPECT_TRUE(std::holds_alternative<std::monostate>(FindRule(p, "Expiration_Bogus")));
  EXPECT_TRUE(std::holds_alternative<ApprovalRule*>(FindRule(p, "approval_enduser_assignment")));
}

TEST(PolicyDefaultsTest, SecurityEngineerDefaults) {
  Policy p = MakeDefaultPolicy("p", "Directory");
  EXPECT_EQ(p.id, "p");
  EXPECT_EQ(p.scope_id, "/");
  EXPECT_EQ(p.scope_type, "DirectoryRole");
  EXPECT_TRUE(p.expiration_enduser_assignment.is_expiration_required);
  EXPECT_EQ(p.expiration_enduser_assignment.maximum_duration, Duration::Hours(8));
  EXPECT_FALSE(p.expiration_admin_eligibility.is_expiration_required);
  EXPECT_EQ(p.expiration_admin_eligibility.maximum_duration, Duration::Days(365));
  EXPECT_TRUE(p.expiration_admin_assignment.is_expiration_required);
  EXPECT_EQ(p.expiration_admin_assignment.maximum_duration, Duration::Days(180));
  EXPECT_EQ(p.enablement_enduser_assignment.enabled_rules,
            (std::vector<std::string>{"MultiFactorAuthentication", "Justification"}));
  EXPECT_TRUE(p.enablement_admin_eligibility.enabled_rules.empty());
  EXPECT_EQ(p.enablement_admin_assignment.enabled_rules,
            (std::vector<std::string>{"Justification"}));
  EXPECT_FALSE(p.authentication_context_enduser_assignment.is_enabled);
  const ApprovalRule& a = p.approval_enduser_assignment;
  EXPECT_FALSE(a.is_approval_required);
  EXPECT_FALSE(a.is_approval_required_for_extension);
  EXPECT_TRUE(a.is_requestor_justification_required);
  EXPECT_EQ(a.approval_mode, "SingleStage");
  ASSERT_EQ(a.approval_stages.size(), 1u);
  EXPECT_TRUE(a.approval_stages[0].primary_approvers.empty());
  ASSERT_EQ(p.notifications.size(), 9u);
  for (const NotificationRule& n : p.notifications) {
    EXPECT_EQ(n.notification_level, "All") << n.id;
    EXPECT_TRUE(n.is_default_recipients_enabled) << n.id;
    EXPECT_EQ(n.notification_type, "Email") << n.id;
  }
  auto* approver =
      std::get<NotificationRule*>(FindRule(p, "Notification_Approver_EndUser_Assignment"));
  EXPECT_EQ(approver->recipient_type, "Approver");
  EXPECT_EQ(approver->target.caller, "EndUser");
  EXPECT_EQ(approver->target.level, "Assignment");
  auto* admin = std::get<NotificationRule*>(FindRule(p, "Notification_Admin_Admin_Eligibility"));
  EXPECT_EQ(admin->recipient_type, "Admin");
  EXPECT_EQ(admin->target.caller, "Admin");
  EXPECT_EQ(admin->target.level, "Eligibility");
}

TEST(PolicyDefaultsTest, GlobalAdminRecommendation) {
  Policy p = MakeRecommendedGlobalAdminPolicy("ga");
  EXPECT_EQ(p.id, "ga");
  EXPECT_EQ(p.expiration_enduser_assignment.maximum_duration, Duration::Hours(2));
  EXPECT_TRUE(p.expiration_enduser_assignment.is_expiration_required);
  EXPECT_EQ(p.enablement_enduser_assignment.enabled_rules,
            (std::vector<std::string>{"MultiFactorAuthentication", "Justification"}));
  const ApprovalRule& a = p.approval_enduser_assignment;
  EXPECT_TRUE(a.is_approval_required);
  EXPECT_TRUE(a.is_approval_required_for_extension);  // else one approval, extended for ever
  EXPECT_EQ(a.approval_mode, "SingleStage");
  ASSERT_EQ(a.approval_stages.size(), 1u);
  EXPECT_TRUE(a.approval_stages[0].primary_approvers.empty());
  EXPECT_TRUE(a.approval_stages[0].is_approver_justification_required);
  EXPECT_EQ(a.approval_stages[0].approval_stage_timeout_in_days, 1);
  EXPECT_EQ(a.approval_stages[0].pim_quorum, 1);
  // Everything else stays at the defaults.
  EXPECT_EQ(p.expiration_admin_eligibility.maximum_duration, Duration::Days(365));
}

TEST(PolicyJsonTest, RuleShapesMatchGraph) {
  Policy p = MakeDefaultPolicy("p", "Directory");
  EXPECT_EQ(json::value(Rule(p, "Expiration_EndUser_Assignment")), json::parse(R"({
    "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
    "id": "Expiration_EndUser_Assignment", "isExpirationRequired": true, "maximumDuration": "PT8H",
    "target": {"caller": "EndUser", "operations": ["all"], "level": "Assignment",
               "inheritableSettings": [], "enforcedSettings": []}})"));
  EXPECT_EQ(json::value(Rule(p, "approval_enduser_assignment")), json::parse(R"({
    "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
    "id": "Approval_EndUser_Assignment",
    "target": {"caller": "EndUser", "operations": ["all"], "level": "Assignment",
               "inheritableSettings": [], "enforcedSettings": []},
    "setting": {"isApprovalRequired": false, "isApprovalRequiredForExtension": false,
      "isRequestorJustificationRequired": true, "approvalMode": "SingleStage",
      "approvalStages": [{"approvalStageTimeOutInDays": 1, "isApproverJustificationRequired": true,
        "escalationTimeInMinutes": 0, "isEscalationEnabled": false, "primaryApprovers": [],
        "escalationApprovers": [], "pimQuorum": 1}]}})"));
  json::object n = Rule(p, "Notification_Requestor_Admin_Assignment");
  EXPECT_EQ(n["recipientType"], "Requestor");
  EXPECT_EQ(n["notificationLevel"], "All");
  EXPECT_EQ(n["target"].as_object()["caller"], "Admin");
  json::object ctx = Rule(p, "AuthenticationContext_EndUser_Assignment");
  EXPECT_TRUE(ctx["claimValue"].is_null());
  EXPECT_EQ(RuleToGraph(p, "Nope").status().code(), StatusCode::kNotFound);
}

TEST(PolicyJsonTest, ApproversAndPolicyObject) {
  Policy p = CustomPolicy();
  p.last_modified = Timestamp::FromSeconds(1795670464);
  p.last_modified_by = kUser;
  json::object a = Rule(p, "Approval_EndUser_Assignment");
  const json::array& approvers = a["setting"]
                                     .as_object()["approvalStages"]
                                     .as_array()[0]
                                     .as_object()["primaryApprovers"]
                                     .as_array();
  EXPECT_EQ(json::value(approvers), json::parse(R"([
    {"@odata.type": "#microsoft.graph.singleUser", "userId": "00000000-0000-4000-8000-0000000000aa",
     "description": "alice"},
    {"@odata.type": "#microsoft.graph.groupMembers", "groupId": "00000000-0000-4000-8000-0000000000bb",
     "description": null}])"));

  json::object bare = PolicyToGraph(p, false);
  EXPECT_FALSE(bare.contains("rules"));
  EXPECT_EQ(bare["lastModifiedDateTime"], "2026-11-26T05:21:04Z");
  EXPECT_EQ(bare["lastModifiedBy"].as_object()["id"], kUser);
  EXPECT_EQ(bare["scopeType"], "DirectoryRole");
  json::object full = PolicyToGraph(p, true);
  const json::array& rules = full["rules"].as_array();
  ASSERT_EQ(rules.size(), 17u);
  for (size_t i = 0; i < rules.size(); ++i) {
    EXPECT_EQ(rules[i].as_object().at("id").as_string(), PolicyRuleIds()[i]);
  }
}

// Every rule, with non-default values, survives RuleToGraph -> PatchRule unchanged.
TEST(PolicyPatchTest, EveryRuleRoundTrips) {
  Policy source = CustomPolicy();
  Policy target = MakeDefaultPolicy("policy-1", "Custom");
  for (const std::string& id : PolicyRuleIds()) {
    json::object before = Rule(source, id);
    EXPECT_NE(json::value(before), json::value(Rule(target, id))) << id << " test is vacuous";
    Status st = PatchRule(target, id, before);
    ASSERT_TRUE(st.ok()) << id << ": " << st.ToString();
    EXPECT_EQ(json::value(Rule(target, id)), json::value(before)) << id;
  }
  EXPECT_EQ(EncodePolicy(target), EncodePolicy(source));
}

TEST(PolicyPatchTest, PartialUpdateAndGraphCasing) {
  Policy p = MakeDefaultPolicy("p", "Directory");
  ASSERT_TRUE(PatchRule(p, "Enablement_EndUser_Assignment",
                        json::parse(R"({"enabledRules": ["justification", "TICKETING",
                                                         "Justification"]})"))
                  .ok());
  EXPECT_EQ(p.enablement_enduser_assignment.enabled_rules,
            (std::vector<std::string>{"Justification", "Ticketing"}));
  ASSERT_TRUE(
      PatchRule(p, "Expiration_EndUser_Assignment", json::parse(R"({"maximumDuration": "PT120M"})"))
          .ok());
  EXPECT_EQ(p.expiration_enduser_assignment.maximum_duration, Duration::Hours(2));
  EXPECT_TRUE(p.expiration_enduser_assignment.is_expiration_required);  // untouched
  EXPECT_EQ(Rule(p, "Expiration_EndUser_Assignment")["maximumDuration"], "PT2H");
  ASSERT_TRUE(PatchRule(p, "Approval_EndUser_Assignment", json::parse(R"({
      "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
      "target": {"caller": "enduser", "level": "assignment", "operations": ["ALL"]},
      "setting": {"approvalMode": "singlestage", "isApprovalRequired": true,
        "approvalStages": [{"primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser",
                                                  "userId": "00000000-0000-4000-8000-0000000000AA"}]}]}})"))
                  .ok());
  const ApprovalRule& a = p.approval_enduser_assignment;
  EXPECT_EQ(a.approval_mode, "SingleStage");
  EXPECT_TRUE(a.is_approval_required);
  EXPECT_TRUE(a.is_requestor_justification_required);  // untouched
  ASSERT_EQ(a.approval_stages.size(), 1u);
  EXPECT_EQ(a.approval_stages[0].primary_approvers[0].user_id, kUser);  // lowercased
  EXPECT_EQ(a.target.operations, (std::vector<std::string>{"all"}));
  ASSERT_TRUE(PatchRule(p, "Notification_Admin_EndUser_Assignment",
                        json::parse(R"({"notificationLevel": "critical"})"))
                  .ok());
  EXPECT_EQ(Rule(p, "Notification_Admin_EndUser_Assignment")["notificationLevel"], "Critical");
}

TEST(PolicyPatchTest, UnknownRuleIsNotFound) {
  Policy p = MakeDefaultPolicy("p", "Directory");
  EXPECT_EQ(PatchRule(p, "Expiration_Bogus", json::object{}).code(), StatusCode::kNotFound);
}

struct BadPatch {
  const char* rule;
  const char* body;
  const char* field;  // must appear in the message
};

TEST(PolicyPatchTest, RejectsBadInputAndLeavesPolicyUnchanged) {
  const BadPatch kCases[] = {
      {"Expiration_EndUser_Assignment", R"({"isExpirationRequired": "yes"})",
       "isExpirationRequired"},
      {"Expiration_EndUser_Assignment", R"({"maximumDuration": "P1M"})", "maximumDuration"},
      {"Expiration_EndUser_Assignment", R"({"maximumDuration": "PT0S"})", "maximumDuration"},
      {"Expiration_EndUser_Assignment", R"({"maximumDuration": "-PT1H"})", "maximumDuration"},
      {"Expiration_EndUser_Assignment", R"({"maximumDuration": "PT1.5H"})", "maximumDuration"},
      {"Expiration_EndUser_Assignment", R"({"maximumDuration": 3600})", "maximumDuration"},
      {"Expiration_EndUser_Assignment",
       R"({"isExpirationRequired": false, "maximumDuration": "x"})", "maximumDuration"},
      {"Expiration_EndUser_Assignment", R"({"maxDuration": "PT1H"})", "maxDuration"},
      {"Expiration_EndUser_Assignment",
       R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule"})",
       "@odata.type"},
      {"Expiration_EndUser_Assignment", R"({"id": "Expiration_Admin_Assignment"})", "id"},
      {"Expiration_EndUser_Assignment", R"({"target": {"caller": "Admin"}})", "target.caller"},
      {"Expiration_EndUser_Assignment", R"({"target": {"level": "Eligibility"}})", "target.level"},
      {"Expiration_EndUser_Assignment", R"({"target": {"operations": ["fly"]}})",
       "target.operations"},
      {"Expiration_EndUser_Assignment", R"({"target": {"colour": "red"}})", "target.colour"},
      {"Expiration_EndUser_Assignment", R"({"target": []})", "target"},
      {"Enablement_EndUser_Assignment", R"({"enabledRules": ["Fingerprint"]})", "enabledRules"},
      {"Enablement_EndUser_Assignment", R"({"enabledRules": "Justification"})", "enabledRules"},
      {"Enablement_EndUser_Assignment", R"({"enabledRules": [1]})", "enabledRules"},
      {"AuthenticationContext_EndUser_Assignment", R"({"isEnabled": 1})", "isEnabled"},
      {"AuthenticationContext_EndUser_Assignment", R"({"claimValue": 5})", "claimValue"},
      {"Approval_EndUser_Assignment", R"({"setting": {"approvalMode": "Sometimes"}})",
       "setting.approvalMode"},
      {"Approval_EndUser_Assignment", R"({"setting": {"isApprovalRequired": "true"}})",
       "setting.isApprovalRequired"},
      {"Approval_EndUser_Assignment", R"({"setting": {"approvalStages": [{"pimQuorum": 0}]}})",
       "setting.approvalStages[0].pimQuorum"},
      {"Approval_EndUser_Assignment", R"({"setting": {"approvalStages": [{"pimQuorum": 1.5}]}})",
       "setting.approvalStages[0].pimQuorum"},
      {"Approval_EndUser_Assignment",
       R"({"setting": {"approvalStages": [{"approvalStageTimeOutInDays": 0}]}})",
       "setting.approvalStages[0].approvalStageTimeOutInDays"},
      {"Approval_EndUser_Assignment",
       R"({"setting": {"approvalStages": [{"escalationTimeInMinutes": -1}]}})",
       "setting.approvalStages[0].escalationTimeInMinutes"},
      {"Approval_EndUser_Assignment", R"({"setting": {"approvalStages": [{"bogus": 1}]}})",
       "setting.approvalStages[0].bogus"},
      {"Approval_EndUser_Assignment",
       R"({"setting": {"approvalMode": "Serial", "approvalStages": []}})",
       "setting.approvalStages"},
      {"Approval_EndUser_Assignment", R"({"setting": {"approvalStages": [{}, {}]}})",
       "setting.approvalStages"},
      {"Approval_EndUser_Assignment",
       R"({"setting": {"approvalMode": "NoApproval", "isApprovalRequired": true}})",
       "setting.approvalMode"},
      {"Approval_EndUser_Assignment",
       R"({"setting": {"isApprovalRequired": true, "approvalStages": []}})",
       "setting.approvalStages"},
      {"Approval_EndUser_Assignment",
       R"({"setting": {"approvalStages": [{"primaryApprovers": [
           {"@odata.type": "#microsoft.graph.singleUser"}]}]}})",
       "setting.approvalStages[0].primaryApprovers[0].userId"},
      {"Approval_EndUser_Assignment",
       R"({"setting": {"approvalStages": [{"primaryApprovers": [
           {"@odata.type": "#microsoft.graph.singleUser", "userId": "bob"}]}]}})",
       "setting.approvalStages[0].primaryApprovers[0].userId"},
      {"Approval_EndUser_Assignment",
       R"({"setting": {"approvalStages": [{"primaryApprovers": [
           {"@odata.type": "#microsoft.graph.requestorManager", "managerLevel": 1}]}]}})",
       "setting.approvalStages[0].primaryApprovers[0].@odata.type"},
      {"Approval_EndUser_Assignment",
       R"({"setting": {"approvalStages": [{"escalationApprovers": [{"userId": "x"}]}]}})",
       "setting.approvalStages[0].escalationApprovers[0].@odata.type"},
      {"Approval_EndUser_Assignment", R"({"setting": {"colour": 1}})", "setting.colour"},
      {"Notification_Admin_Admin_Eligibility", R"({"notificationLevel": "Loud"})",
       "notificationLevel"},
      {"Notification_Admin_Admin_Eligibility", R"({"recipientType": "Approver"})", "recipientType"},
      {"Notification_Admin_Admin_Eligibility", R"({"notificationType": "SMS"})",
       "notificationType"},
      {"Notification_Admin_Admin_Eligibility", R"({"notificationRecipients": ["not-an-email"]})",
       "notificationRecipients"},
      {"Notification_Admin_Admin_Eligibility", R"({"isDefaultRecipientsEnabled": null})",
       "isDefaultRecipientsEnabled"},
      {"Expiration_EndUser_Assignment", R"([])", "JSON object"},
  };
  for (const BadPatch& c : kCases) {
    Policy p = MakeRecommendedGlobalAdminPolicy("ga");
    const std::string before = EncodePolicy(p);
    Status st = PatchRule(p, c.rule, json::parse(c.body));
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_NE(st.message().find(c.field), std::string::npos)
        << c.body << " -> " << st.message() << " (expected to name " << c.field << ")";
    EXPECT_EQ(EncodePolicy(p), before) << c.body;
  }
}

// Graph's Parallel mode is not implemented: a PATCH asking for it is refused rather than run as
// Serial. A policy stored with it (by an earlier pim, which accepted it) still loads, and the next
// PATCH of its approval rule must choose a supported mode.
TEST(PolicyPatchTest, ParallelApprovalModeIsRefusedButStillLoadsFromTheStore) {
  Policy p = MakeRecommendedGlobalAdminPolicy("ga");
  const std::string before = EncodePolicy(p);
  Status st = PatchRule(p, "Approval_EndUser_Assignment",
                        json::parse(R"({"setting": {"approvalMode": "parallel"}})"));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("setting.approvalMode"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("SingleStage, Serial and NoApproval"), std::string::npos)
      << st.message();
  EXPECT_EQ(EncodePolicy(p), before);

  Policy stored = CustomPolicy();
  stored.approval_enduser_assignment.approval_mode = "Parallel";
  Result<Policy> loaded = DecodePolicy(EncodePolicy(stored));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->approval_enduser_assignment.approval_mode, "Parallel");
  st = PatchRule(*loaded, "Approval_EndUser_Assignment",
                 json::parse(R"({"setting": {"isApprovalRequiredForExtension": false}})"));
  EXPECT_NE(st.message().find("setting.approvalMode"), std::string::npos) << st.message();
  EXPECT_TRUE(PatchRule(*loaded, "Approval_EndUser_Assignment",
                        json::parse(R"({"setting": {"approvalMode": "Serial"}})"))
                  .ok());
}

// With escalation enabled a stage must name its escalation approvers and escalate before it times
// out; a stage stored otherwise by an earlier pim (which accepted anything) still loads.
TEST(PolicyPatchTest, EscalationSettingsAreCheckedOnPatchButStoredOnesLoad) {
  struct Case {
    const char* stage;
    const char* field;
  };
  const std::string approver =
      std::string(R"([{"@odata.type": "#microsoft.graph.singleUser", "userId": ")") + kUser +
      R"("}])";
  for (const Case& c : std::vector<Case>{
           {R"("isEscalationEnabled": true, "escalationTimeInMinutes": 60,
               "escalationApprovers": [])",
            "setting.approvalStages[0].escalationApprovers"},
           {R"("isEscalationEnabled": true, "escalationTimeInMinutes": 0, "escalationApprovers": )",
            "setting.approvalStages[0].escalationTimeInMinutes"},
           {R"("isEscalationEnabled": true, "approvalStageTimeOutInDays": 2,
               "escalationTimeInMinutes": 2880, "escalationApprovers": )",
            "setting.approvalStages[0].escalationTimeInMinutes"},
       }) {
    std::string stage = c.stage;
    if (stage.back() == ' ') stage += approver;
    Policy p = MakeRecommendedGlobalAdminPolicy("ga");
    const std::string before = EncodePolicy(p);
    Status st = PatchRule(p, "Approval_EndUser_Assignment",
                          json::parse(R"({"setting": {"approvalStages": [{)" + stage + "}]}}"));
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << stage;
    EXPECT_NE(st.message().find(c.field), std::string::npos) << st.message();
    EXPECT_EQ(EncodePolicy(p), before);
  }
  Policy ok = MakeRecommendedGlobalAdminPolicy("ga");
  EXPECT_TRUE(PatchRule(ok, "Approval_EndUser_Assignment",
                        json::parse(R"({"setting": {"approvalStages": [{"isEscalationEnabled": true,
                            "approvalStageTimeOutInDays": 2, "escalationTimeInMinutes": 2879,
                            "escalationApprovers": )" +
                                    approver + "}]}}"))
                  .ok());

  Policy stored = CustomPolicy();
  stored.approval_enduser_assignment.approval_stages[1].escalation_time_in_minutes = 0;
  stored.approval_enduser_assignment.approval_stages[1].escalation_approvers.clear();
  EXPECT_TRUE(DecodePolicy(EncodePolicy(stored)).ok());
}

TEST(PolicyEncodingTest, RoundTripsEverything) {
  Policy p = CustomPolicy();
  p.description = "Custom policy";
  p.is_organization_default = true;
  p.scope_id = "/administrativeUnits/x";
  p.scope_type = "Directory";
  p.last_modified = Timestamp::FromMicros(1795670464123456);
  p.last_modified_by = kUser;
  Result<Policy> decoded = DecodePolicy(EncodePolicy(p));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(EncodePolicy(*decoded), EncodePolicy(p));
  EXPECT_EQ(decoded->display_name, "Custom");
  EXPECT_TRUE(decoded->is_organization_default);
  EXPECT_EQ(decoded->last_modified, p.last_modified);
  EXPECT_EQ(decoded->last_modified_by, kUser);
  EXPECT_EQ(decoded->approval_enduser_assignment.approval_stages[1].escalation_time_in_minutes, 30);
}

TEST(PolicyEncodingTest, RejectsCorruptText) {
  EXPECT_FALSE(DecodePolicy("not json").ok());
  EXPECT_FALSE(DecodePolicy("[]").ok());
  EXPECT_FALSE(DecodePolicy(R"({"displayName": "x"})").ok());
  EXPECT_FALSE(DecodePolicy(R"({"id": "p", "displayName": "x", "rules": [
      {"id": "Expiration_EndUser_Assignment", "maximumDuration": "P1Y"}]})")
                   .ok());
  Result<Policy> minimal = DecodePolicy(R"({"id": "p", "displayName": "x"})");
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ(EncodePolicy(*minimal), EncodePolicy(MakeDefaultPolicy("p", "x")));
}

}  // namespace
}  // namespace pim
