// Role management policies: the 17 rules of DESIGN.md, their Graph JSON shape, PATCH of one rule,
// and their enforcement for end-user activation (EndUser_Assignment rules) and administrators'
// assignments (Admin_Eligibility / Admin_Assignment rules). Pure: no I/O, no clock (now is passed).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "core/time.h"

namespace pim {

// unifiedRoleManagementPolicyRuleTarget
struct RuleTarget {
  std::string caller;  // "EndUser" | "Admin"
  std::vector<std::string> operations{"All"};
  std::string level;  // "Assignment" | "Eligibility"
  std::vector<std::string> inheritable_settings;
  std::vector<std::string> enforced_settings;
};

struct ExpirationRule {
  std::string id;
  RuleTarget target;
  bool is_expiration_required = true;
  Duration maximum_duration = Duration::Hours(8);
};

struct EnablementRule {
  std::string id;
  RuleTarget target;
  // Subset of MultiFactorAuthentication, Justification, Ticketing (Graph casing).
  std::vector<std::string> enabled_rules;
};

struct AuthenticationContextRule {
  std::string id;
  RuleTarget target;
  bool is_enabled = false;  // when enabled, activation demands fresh MFA
  std::string claim_value;
};

// subjectSet: "#microsoft.graph.singleUser" (user_id) or "#microsoft.graph.groupMembers" (group_id)
struct ApproverSubject {
  std::string odata_type;
  std::string user_id;
  std::string group_id;
  std::string description;
};

struct ApprovalStageSetting {
  int approval_stage_timeout_in_days = 1;
  bool is_approver_justification_required = true;
  int escalation_time_in_minutes = 0;
  bool is_escalation_enabled = false;
  std::vector<ApproverSubject> primary_approvers;
  std::vector<ApproverSubject> escalation_approvers;
  int pim_quorum = 1;  // pim extension: distinct approvals needed to complete the stage
};

struct ApprovalRule {
  std::string id;
  RuleTarget target;
  bool is_approval_required = false;
  bool is_approval_required_for_extension = false;
  bool is_requestor_justification_required = true;
  // SingleStage | Serial | NoApproval. Graph's Parallel is refused by a PATCH; a policy stored
  // with it by an earlier pim still loads and runs its stages in order, as Serial.
  std::string approval_mode = "SingleStage";
  std::vector<ApprovalStageSetting> approval_stages;
};

struct NotificationRule {
  std::string id;
  RuleTarget target;
  std::string notification_type = "Email";
  std::string recipient_type;              // Requestor | Approver | Admin
  std::string notification_level = "All";  // All | Critical
  bool is_default_recipients_enabled = true;
  std::vector<std::string> notification_recipients;
};

struct Policy {
  std::string id;
  std::string display_name = "Directory";
  std::string description = "Role management policy";
  bool is_organization_default = false;
  std::string scope_id = "/";
  std::string scope_type = "DirectoryRole";  // DirectoryRole | Directory
  std::string last_modified_by;              // principal id
  std::optional<Timestamp> last_modified;

  ExpirationRule expiration_enduser_assignment;  // Expiration_EndUser_Assignment
  ExpirationRule expiration_admin_eligibility;   // Expiration_Admin_Eligibility
  ExpirationRule expiration_admin_assignment;    // Expiration_Admin_Assignment
  EnablementRule enablement_enduser_assignment;  // Enablement_EndUser_Assignment
  EnablementRule enablement_admin_eligibility;   // Enablement_Admin_Eligibility
  EnablementRule enablement_admin_assignment;    // Enablement_Admin_Assignment
  AuthenticationContextRule authentication_context_enduser_assignment;
  ApprovalRule approval_enduser_assignment;  // Approval_EndUser_Assignment
  // Notification_{Admin,Requestor,Approver}_{Admin_Eligibility,Admin_Assignment,EndUser_Assignment}:
  // 9, in Graph's order (level-major: Admin_, Requestor_, Approver_ for Admin_Eligibility, then
  // Admin_Assignment, then EndUser_Assignment). Look them up with FindRule rather than by index.
  std::vector<NotificationRule> notifications;
};

// unifiedRoleManagementPolicyAssignment: which policy governs (role, scope).
struct PolicyAssignment {
  std::string id;  // Graph style: "<policyId>_<roleDefinitionId>"
  std::string policy_id;
  std::string role_definition_id;
  std::string scope_id = "/";
  std::string scope_type = "DirectoryRole";
};

// The 17 rule ids, in Graph's order.
const std::vector<std::string>& PolicyRuleIds();

// Typed access to one rule of a policy by its Graph rule id (matched case-insensitively).
// std::monostate when the id is not one of the 17 (or a notification rule is missing).
using PolicyRuleRef = std::variant<std::monostate, ExpirationRule*, EnablementRule*,
                                   AuthenticationContextRule*, ApprovalRule*, NotificationRule*>;
using ConstPolicyRuleRef =
    std::variant<std::monostate, const ExpirationRule*, const EnablementRule*,
                 const AuthenticationContextRule*, const ApprovalRule*, const NotificationRule*>;
PolicyRuleRef FindRule(Policy& policy, std::string_view rule_id);
ConstPolicyRuleRef FindRule(const Policy& policy, std::string_view rule_id);

// Sensible defaults for any role: activation up to 8 h with expiration required, MFA and
// justification on activation, no approval (one empty SingleStage stage, as Graph shows);
// eligibility up to P365D with permanent eligibility allowed; active assignments up to P180D,
// expiration and justification required; all notifications on (see policy_defaults.cc).
Policy MakeDefaultPolicy(std::string id, std::string display_name);
// The seed's recommendation for Global Administrator: 2 h maximum, MFA, justification, approval
// (single stage, no approvers listed: falls back to active PRA and GA holders).
Policy MakeRecommendedGlobalAdminPolicy(std::string id);

// Graph JSON (unifiedRoleManagementPolicy); rules included when `with_rules`.
boost::json::object PolicyToGraph(const Policy& policy, bool with_rules);
// One rule's Graph JSON with its "@odata.type". NotFound for an unknown rule id.
Result<boost::json::object> RuleToGraph(const Policy& policy, std::string_view rule_id);
// Where a rule's JSON comes from. A client's PATCH (kRequest) is also refused settings pim does not
// implement (approvalMode Parallel) and inconsistent escalation settings (enabled without
// escalationApprovers, or without an escalationTimeInMinutes > 0 and below the stage's timeout);
// the store's text (kStored, DecodePolicy) may hold them, as written by an earlier pim that
// accepted them, and must keep loading.
enum class RuleSource { kRequest, kStored };

// Replaces rule `rule_id` from Graph JSON. Validates types, enum values, durations (via
// ParseDuration), @odata.type (when present it must match the rule's). InvalidArgument naming the
// field on bad input, NotFound for an unknown rule id; `policy` unchanged on error.
Status PatchRule(Policy& policy, std::string_view rule_id, const boost::json::value& json,
                 RuleSource source = RuleSource::kRequest);

// Persistence: the full policy, rules included, and back.
std::string EncodePolicy(const Policy& policy);
Result<Policy> DecodePolicy(std::string_view json);

// Whether a justification or ticket number counts as given where a rule requires one: it has a
// character other than white space (" " does not explain anything).
bool IsGiven(std::string_view text);

// What an activation (selfActivate/selfExtend/selfRenew) brings to the EndUser_Assignment rules.
struct ActivationFacts {
  bool has_justification = false;  // IsGiven(justification)
  bool has_ticket = false;         // IsGiven(ticketNumber)
  std::optional<Timestamp> mfa_time;
  Timestamp now;
  Duration mfa_freshness = Duration::Minutes(5);
  std::optional<Duration> requested_duration;  // nullopt: no expiration asked
  bool is_extension = false;                   // selfExtend (a selfRenew is an activation)
};

// What an administrator's assignment brings to the Admin_Eligibility / Admin_Assignment rules.
struct AdminAssignmentFacts {
  ScheduleKind kind = ScheduleKind::kEligibility;
  bool has_justification = false;
  bool has_ticket = false;
  std::optional<Timestamp> mfa_time;
  Timestamp now;
  Duration mfa_freshness = Duration::Minutes(5);
  std::optional<Duration> requested_duration;  // nullopt: permanent
};

struct PolicyVerdict {
  // In this order when present: JustificationRule, TicketingRule, ExpirationRule, MfaRule.
  std::vector<std::string> failed_rules;
  // When ExpirationRule failed: the rule's maximum, and whether it also demands an end (the
  // request asked for none). A refusal says what would pass.
  Duration maximum_duration;
  bool expiration_required = false;
  bool mfa_missing = false;
  bool needs_approval = false;
  bool ok() const { return failed_rules.empty(); }
};

PolicyVerdict EvaluateActivation(const Policy& policy, const ActivationFacts& facts);
PolicyVerdict EvaluateAdminAssignment(const Policy& policy, const AdminAssignmentFacts& facts);
// OK for an ok verdict; otherwise InvalidArgument with error code
// "RoleAssignmentRequestPolicyValidationFailed", the rules named in the message, and details
// {"failedRules":[...]} plus "code":"MfaRequired" when MFA is missing and "maximumDuration"
// (ISO 8601) and "isExpirationRequired" when ExpirationRule failed.
Status VerdictToStatus(const PolicyVerdict& verdict);

// Approval steps for a request under `policy` (one per approval stage), NotStarted.
std::vector<ApprovalStep> BuildApprovalSteps(const Policy& policy);

}  // namespace pim
