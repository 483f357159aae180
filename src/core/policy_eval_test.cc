#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "core/policy.h"

namespace pim {
namespace {

using Rules = std::vector<std::string>;

const Timestamp kNow = Timestamp::FromSeconds(1795651200);  // 2026-11-26T00:00:00Z

class ActivationTest : public ::testing::Test {
 protected:
  // Facts that satisfy the default policy.
  ActivationFacts Good() const {
    ActivationFacts f;
    f.has_justification = true;
    f.mfa_time = kNow - Duration::Minutes(1);
    f.now = kNow;
    f.requested_duration = Duration::Hours(1);
    return f;
  }
  Rules Failed(const ActivationFacts& f) const {
    return EvaluateActivation(policy_, f).failed_rules;
  }

  Policy policy_ = MakeDefaultPolicy("p", "Directory");
};

TEST_F(ActivationTest, DefaultPolicyPassesCompleteRequest) {
  PolicyVerdict v = EvaluateActivation(policy_, Good());
  EXPECT_TRUE(v.ok());
  EXPECT_FALSE(v.needs_approval);
  EXPECT_FALSE(v.mfa_missing);
  EXPECT_TRUE(VerdictToStatus(v).ok());
}

TEST_F(ActivationTest, JustificationRule) {
  ActivationFacts f = Good();
  f.has_justification = false;
  EXPECT_EQ(Failed(f), Rules{"JustificationRule"});
  policy_.enablement_enduser_assignment.enabled_rules = {"MultiFactorAuthentication"};
  EXPECT_EQ(Failed(f), Rules{});
  // Approval with isRequestorJustificationRequired demands a justification on its own.
  policy_.approval_enduser_assignment.is_approval_required = true;
  EXPECT_EQ(Failed(f), Rules{"JustificationRule"});
  policy_.approval_enduser_assignment.is_requestor_justification_required = false;
  EXPECT_EQ(Failed(f), Rules{});
}

TEST_F(ActivationTest, TicketingRule) {
  ActivationFacts f = Good();
  EXPECT_EQ(Failed(f), Rules{});  // not enabled: no ticket needed
  policy_.enablement_enduser_assignment.enabled_rules.push_back("Ticketing");
  EXPECT_EQ(Failed(f), Rules{"TicketingRule"});
  f.has_ticket = true;
  EXPECT_EQ(Failed(f), Rules{});
}

TEST_F(ActivationTest, ExpirationRuleBoundaries) {
  ActivationFacts f = Good();
  f.requested_duration = Duration::Hours(8);  // == maximum
  EXPECT_EQ(Failed(f), Rules{});
  f.requested_duration = Duration::Hours(8) + Duration::Seconds(1);
  EXPECT_EQ(Failed(f), Rules{"ExpirationRule"});
  f.requested_duration = Duration::Seconds(1);
  EXPECT_EQ(Failed(f), Rules{});
  f.requested_duration.reset();  // no expiration asked while required
  EXPECT_EQ(Failed(f), Rules{"ExpirationRule"});
  policy_.expiration_enduser_assignment.is_expiration_required = false;
  EXPECT_EQ(Failed(f), Rules{});
}

TEST_F(ActivationTest, MfaFreshnessEdge) {
  ActivationFacts f = Good();
  f.mfa_time = kNow - Duration::Minutes(5);  // exactly at the edge
  EXPECT_EQ(Failed(f), Rules{});
  f.mfa_time = kNow - Duration::Minutes(5) - Duration::Micros(1);
  PolicyVerdict v = EvaluateActivation(policy_, f);
  EXPECT_EQ(v.failed_rules, Rules{"MfaRule"});
  EXPECT_TRUE(v.mfa_missing);
  f.mfa_time = kNow;
  EXPECT_EQ(Failed(f), Rules{});
  f.mfa_time = kNow + Duration::Seconds(1);  // in the future: not trusted
  EXPECT_EQ(Failed(f), Rules{"MfaRule"});
  f.mfa_time.reset();
  EXPECT_EQ(Failed(f), Rules{"MfaRule"});
  f.mfa_time = kNow - Duration::Minutes(9);
  f.mfa_freshness = Duration::Minutes(10);
  EXPECT_EQ(Failed(f), Rules{});
}

TEST_F(ActivationTest, MfaDemandedByEnablementOrAuthenticationContext) {
  ActivationFacts f = Good();
  f.mfa_time.reset();
  policy_.enablement_enduser_assignment.enabled_rules = {"Justification"};
  EXPECT_EQ(Failed(f), Rules{});
  policy_.authentication_context_enduser_assignment.is_enabled = true;
  EXPECT_EQ(Failed(f), Rules{"MfaRule"});
}

TEST_F(ActivationTest, NeedsApprovalFollowsApprovalRule) {
  ActivationFacts f = Good();
  policy_.approval_enduser_assignment.is_approval_required = true;
  EXPECT_TRUE(EvaluateActivation(policy_, f).needs_approval);
  f.is_extension = true;
  EXPECT_FALSE(EvaluateActivation(policy_, f).needs_approval);
  policy_.approval_enduser_assignment.is_approval_required_for_extension = true;
  EXPECT_TRUE(EvaluateActivation(policy_, f).needs_approval);
  PolicyVerdict ga = EvaluateActivation(MakeRecommendedGlobalAdminPolicy("ga"), Good());
  EXPECT_TRUE(ga.needs_approval);
  EXPECT_TRUE(ga.ok());
}

TEST_F(ActivationTest, RefusalStatusNamesEveryRule) {
  ActivationFacts f;
  f.now = kNow;
  policy_.enablement_enduser_assignment.enabled_rules.push_back("Ticketing");
  PolicyVerdict v = EvaluateActivation(policy_, f);
  EXPECT_EQ(v.failed_rules,
            (Rules{"JustificationRule", "TicketingRule", "ExpirationRule", "MfaRule"}));
  Status st = VerdictToStatus(v);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.error_code(), "RoleAssignmentRequestPolicyValidationFailed");
  // No end asked for: the refusal says what would pass.
  EXPECT_EQ(st.message(),
            "The request failed the policy rules: JustificationRule, TicketingRule, "
            "ExpirationRule, MfaRule. ExpirationRule: at most PT8H, and an end is required");
  EXPECT_EQ(boost::json::parse(st.details_json()),
            boost::json::parse(R"({"failedRules": ["JustificationRule", "TicketingRule",
                                   "ExpirationRule", "MfaRule"], "code": "MfaRequired",
                                   "maximumDuration": "PT8H", "isExpirationRequired": true})"));
  f = Good();
  f.has_ticket = true;
  f.requested_duration = Duration::Hours(9);
  Status too_long = VerdictToStatus(EvaluateActivation(policy_, f));
  EXPECT_EQ(too_long.message(),
            "The request failed the policy rules: ExpirationRule. ExpirationRule: at most PT8H, "
            "and an end is required");
  policy_.expiration_enduser_assignment.is_expiration_required = false;
  policy_.expiration_enduser_assignment.maximum_duration = Duration::Minutes(90);
  too_long = VerdictToStatus(EvaluateActivation(policy_, f));
  EXPECT_EQ(too_long.message(),
            "The request failed the policy rules: ExpirationRule. ExpirationRule: at most PT1H30M");
  EXPECT_EQ(boost::json::parse(too_long.details_json()),
            boost::json::parse(R"({"failedRules": ["ExpirationRule"],
                                   "maximumDuration": "PT1H30M", "isExpirationRequired": false})"));

  f = Good();
  f.has_justification = false;
  Status no_mfa_code = VerdictToStatus(EvaluateActivation(policy_, f));
  EXPECT_EQ(boost::json::parse(no_mfa_code.details_json()),
            boost::json::parse(R"({"failedRules": ["JustificationRule", "TicketingRule"]})"));
}

class AdminAssignmentTest : public ::testing::Test {
 protected:
  AdminAssignmentFacts Facts(ScheduleKind kind, std::optional<Duration> d) const {
    AdminAssignmentFacts f;
    f.kind = kind;
    f.has_justification = true;
    f.now = kNow;
    f.requested_duration = d;
    return f;
  }
  Rules Failed(const AdminAssignmentFacts& f) const {
    return EvaluateAdminAssignment(policy_, f).failed_rules;
  }
  Policy policy_ = MakeDefaultPolicy("p", "Directory");
};

TEST_F(AdminAssignmentTest, EligibilityMayBePermanentUpToMaximum) {
  EXPECT_EQ(Failed(Facts(ScheduleKind::kEligibility, std::nullopt)), Rules{});
  EXPECT_EQ(Failed(Facts(ScheduleKind::kEligibility, Duration::Days(365))), Rules{});
  EXPECT_EQ(Failed(Facts(ScheduleKind::kEligibility, Duration::Days(365) + Duration::Seconds(1))),
            Rules{"ExpirationRule"});
  policy_.expiration_admin_eligibility.is_expiration_required = true;
  EXPECT_EQ(Failed(Facts(ScheduleKind::kEligibility, std::nullopt)), Rules{"ExpirationRule"});
}

TEST_F(AdminAssignmentTest, ActiveAssignmentNeedsExpirationAndJustification) {
  EXPECT_EQ(Failed(Facts(ScheduleKind::kAssignment, Duration::Days(180))), Rules{});
  EXPECT_EQ(Failed(Facts(ScheduleKind::kAssignment, Duration::Days(181))), Rules{"ExpirationRule"});
  EXPECT_EQ(Failed(Facts(ScheduleKind::kAssignment, std::nullopt)), Rules{"ExpirationRule"});
  AdminAssignmentFacts f = Facts(ScheduleKind::kAssignment, Duration::Days(1));
  f.has_justification = false;
  EXPECT_EQ(Failed(f), Rules{"JustificationRule"});
  f.kind = ScheduleKind::kEligibility;  // Enablement_Admin_Eligibility is empty by default
  EXPECT_EQ(Failed(f), Rules{});
}

TEST_F(AdminAssignmentTest, TicketingAndMfaByKind) {
  policy_.enablement_admin_assignment.enabled_rules = {"Ticketing", "MultiFactorAuthentication"};
  AdminAssignmentFacts f = Facts(ScheduleKind::kAssignment, Duration::Days(1));
  PolicyVerdict v = EvaluateAdminAssignment(policy_, f);
  EXPECT_EQ(v.failed_rules, (Rules{"TicketingRule", "MfaRule"}));
  EXPECT_TRUE(v.mfa_missing);
  EXPECT_FALSE(v.needs_approval);
  f.has_ticket = true;
  f.mfa_time = kNow - Duration::Minutes(5);
  EXPECT_EQ(Failed(f), Rules{});
  f.mfa_time = kNow - Duration::Minutes(5) - Duration::Seconds(1);
  EXPECT_EQ(Failed(f), Rules{"MfaRule"});
  // The authentication context rule concerns end-user activation only.
  policy_.enablement_admin_assignment.enabled_rules.clear();
  policy_.authentication_context_enduser_assignment.is_enabled = true;
  f.mfa_time.reset();
  EXPECT_EQ(Failed(f), Rules{});
}

TEST(ApprovalStepsTest, FallbackWhenNoApproversListed) {
  std::vector<ApprovalStep> steps = BuildApprovalSteps(MakeRecommendedGlobalAdminPolicy("ga"));
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].display_name, "Stage 1");
  EXPECT_TRUE(steps[0].id.empty());
  EXPECT_EQ(steps[0].status, "NotStarted");
  EXPECT_TRUE(steps[0].fallback_approvers);
  EXPECT_EQ(steps[0].quorum, 1);
  EXPECT_EQ(steps[0].timeout_days, 1);
  EXPECT_TRUE(steps[0].approver_justification_required);
}

TEST(ApprovalStepsTest, OneStepPerStageWithApproversSplitByType) {
  Policy p = MakeDefaultPolicy("p", "Directory");
  ApprovalStageSetting s1, s2;
  s1.primary_approvers = {{"#microsoft.graph.singleUser", "u1", "", ""},
                          {"#microsoft.graph.groupMembers", "", "g1", ""},
                          {"#microsoft.graph.singleUser", "u2", "", ""}};
  s1.pim_quorum = 2;
  s1.approval_stage_timeout_in_days = 3;
  s1.is_approver_justification_required = false;
  p.approval_enduser_assignment.approval_mode = "Serial";
  p.approval_enduser_assignment.approval_stages = {s1, s2};
  std::vector<ApprovalStep> steps = BuildApprovalSteps(p);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].approver_user_ids, (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(steps[0].approver_group_ids, (std::vector<std::string>{"g1"}));
  EXPECT_FALSE(steps[0].fallback_approvers);
  EXPECT_EQ(steps[0].quorum, 2);
  EXPECT_EQ(steps[0].timeout_days, 3);
  EXPECT_FALSE(steps[0].approver_justification_required);
  EXPECT_EQ(steps[1].display_name, "Stage 2");
  EXPECT_TRUE(steps[1].fallback_approvers);
}

}  // namespace
}  // namespace pim
