// Enforcement of the policy rules: activation and administrators' assignments, the refusal
// Status, and the approval steps a request needs.
#include <algorithm>
#include <boost/json.hpp>
#include <string>

#include "core/policy.h"

namespace pim {
namespace {

bool Enabled(const EnablementRule& rule, std::string_view name) {
  return std::find(rule.enabled_rules.begin(), rule.enabled_rules.end(), name) !=
         rule.enabled_rules.end();
}

bool ExpirationFails(const ExpirationRule& rule, const std::optional<Duration>& requested) {
  if (!requested) return rule.is_expiration_required;
  return *requested > rule.maximum_duration;
}

// Fresh means proven within [now - freshness, now]; a time in the future is not trusted.
bool MfaFresh(const std::optional<Timestamp>& mfa_time, Timestamp now, Duration freshness) {
  return mfa_time && *mfa_time <= now && *mfa_time >= now - freshness;
}

// Fills `verdict` in the documented order: Justification, Ticketing, Expiration, Mfa.
void Check(PolicyVerdict& verdict, bool justification_missing, bool ticket_missing,
           const ExpirationRule& expiration, const std::optional<Duration>& requested,
           bool mfa_missing) {
  if (justification_missing) verdict.failed_rules.push_back("JustificationRule");
  if (ticket_missing) verdict.failed_rules.push_back("TicketingRule");
  if (ExpirationFails(expiration, requested)) {
    verdict.failed_rules.push_back("ExpirationRule");
    verdict.maximum_duration = expiration.maximum_duration;
    verdict.expiration_required = expiration.is_expiration_required;
  }
  if (mfa_missing) {
    verdict.failed_rules.push_back("MfaRule");
    verdict.mfa_missing = true;
  }
}

// A stage's approvers as the user ids and the group ids an approval step lists.
void SplitSubjects(const std::vector<ApproverSubject>& subjects, std::vector<std::string>& users,
                   std::vector<std::string>& groups) {
  for (const ApproverSubject& subject : subjects) {
    if (subject.odata_type == "#microsoft.graph.groupMembers") {
      groups.push_back(subject.group_id);
    } else {
      users.push_back(subject.user_id);
    }
  }
}

}  // namespace

bool IsGiven(std::string_view text) {
  return text.find_first_not_of(" \t\n\r\f\v") != std::string_view::npos;
}

PolicyVerdict EvaluateActivation(const Policy& policy, const ActivationFacts& facts) {
  const EnablementRule& enablement = policy.enablement_enduser_assignment;
  const ApprovalRule& approval = policy.approval_enduser_assignment;
  PolicyVerdict verdict;
  verdict.needs_approval = facts.is_extension ? approval.is_approval_required_for_extension
                                              : approval.is_approval_required;
  bool justification_required =
      Enabled(enablement, "Justification") ||
      (verdict.needs_approval && approval.is_requestor_justification_required);
  bool mfa_required = Enabled(enablement, "MultiFactorAuthentication") ||
                      policy.authentication_context_enduser_assignment.is_enabled;
  Check(verdict, justification_required && !facts.has_justification,
        Enabled(enablement, "Ticketing") && !facts.has_ticket, policy.expiration_enduser_assignment,
        facts.requested_duration,
        mfa_required && !MfaFresh(facts.mfa_time, facts.now, facts.mfa_freshness));
  return verdict;
}

PolicyVerdict EvaluateAdminAssignment(const Policy& policy, const AdminAssignmentFacts& facts) {
  bool eligibility = facts.kind == ScheduleKind::kEligibility;
  const EnablementRule& enablement =
      eligibility ? policy.enablement_admin_eligibility : policy.enablement_admin_assignment;
  const ExpirationRule& expiration =
      eligibility ? policy.expiration_admin_eligibility : policy.expiration_admin_assignment;
  PolicyVerdict verdict;
  Check(verdict, Enabled(enablement, "Justification") && !facts.has_justification,
        Enabled(enablement, "Ticketing") && !facts.has_ticket, expiration, facts.requested_duration,
        Enabled(enablement, "MultiFactorAuthentication") &&
            !MfaFresh(facts.mfa_time, facts.now, facts.mfa_freshness));
  return verdict;
}

Status VerdictToStatus(const PolicyVerdict& verdict) {
  if (verdict.ok()) return Status::Ok();
  std::string names;
  boost::json::array failed;
  for (const std::string& rule : verdict.failed_rules) {
    names += (names.empty() ? "" : ", ") + rule;
    failed.emplace_back(rule);
  }
  boost::json::object details{{"failedRules", std::move(failed)}};
  if (verdict.mfa_missing) details["code"] = "MfaRequired";
  std::string message = "The request failed the policy rules: " + names;
  if (std::find(verdict.failed_rules.begin(), verdict.failed_rules.end(), "ExpirationRule") !=
      verdict.failed_rules.end()) {
    const std::string most = FormatDuration(verdict.maximum_duration);
    details["maximumDuration"] = most;
    details["isExpirationRequired"] = verdict.expiration_required;
    message += ". ExpirationRule: at most " + most +
               (verdict.expiration_required ? ", and an end is required" : "");
  }
  return Status(StatusCode::kInvalidArgument, message,
                "RoleAssignmentRequestPolicyValidationFailed", boost::json::serialize(details));
}

std::vector<ApprovalStep> BuildApprovalSteps(const Policy& policy) {
  std::vector<ApprovalStep> steps;
  const auto& stages = policy.approval_enduser_assignment.approval_stages;
  for (size_t i = 0; i < stages.size(); ++i) {
    const ApprovalStageSetting& stage = stages[i];
    ApprovalStep step;
    step.display_name = "Stage " + std::to_string(i + 1);
    step.quorum = stage.pim_quorum;
    step.approver_justification_required = stage.is_approver_justification_required;
    step.timeout_days = stage.approval_stage_timeout_in_days;
    SplitSubjects(stage.primary_approvers, step.approver_user_ids, step.approver_group_ids);
    step.fallback_approvers = step.approver_user_ids.empty() && step.approver_group_ids.empty();
    // A stage stored by an earlier pim may be enabled without approvers or a time: it never
    // escalates (a PATCH refuses such a stage).
    if (stage.is_escalation_enabled && stage.escalation_time_in_minutes > 0 &&
        !stage.escalation_approvers.empty()) {
      step.escalation_minutes = stage.escalation_time_in_minutes;
      SplitSubjects(stage.escalation_approvers, step.escalation_user_ids,
                    step.escalation_group_ids);
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace pim
