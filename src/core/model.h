// The domain objects of pim: principals, role definitions, schedules, schedule requests and
// approvals. Plain data; logic lives in policy.h (rules), request_rules.h and the engine.
// Graph property names are given in comments where they differ from the member name.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace pim {

enum class PrincipalKind { kUser, kGroup, kServicePrincipal };

struct Principal {
  std::string id;
  PrincipalKind kind = PrincipalKind::kUser;
  std::string display_name;
  std::string user_principal_name;  // users only; unique case-insensitively
  std::string mail;
  std::string description;  // groups, service principals
  std::string app_id;       // service principals
  bool account_enabled = true;
  bool break_glass = false;            // permanent admin outside policy; every use audited
  bool is_assignable_to_role = false;  // groups
  std::vector<std::string> members;    // groups: member principal ids (users or groups)
  Timestamp created;
  std::optional<Timestamp> deleted;  // soft delete (deletedDateTime)
};

struct RolePermission {
  std::vector<std::string> allowed_resource_actions;
  std::vector<std::string> excluded_resource_actions;
  std::string condition;
};

struct RoleDefinition {
  std::string id;  // built-ins: Graph's well-known template id
  std::string display_name;
  std::string description;
  bool is_built_in = false;
  bool is_enabled = true;
  std::string template_id;
  std::string version = "1";
  std::vector<std::string> resource_scopes{"/"};
  std::vector<RolePermission> role_permissions;
  Timestamp created;
  Timestamp modified;
};

enum class ScheduleKind { kEligibility, kAssignment };

enum class ExpirationType { kNotSpecified, kNoExpiration, kAfterDateTime, kAfterDuration };

// requestSchedule without recurrence. For afterDuration, `end` is start + duration once the
// schedule is created; requests keep the duration so an approved activation's clock starts when it
// becomes effective.
struct ScheduleInfo {
  std::optional<Timestamp> start;  // absent in a request = now
  ExpirationType type = ExpirationType::kNotSpecified;
  std::optional<Timestamp> end;      // afterDateTime
  std::optional<Duration> duration;  // afterDuration
};

// unifiedRoleEligibilitySchedule / unifiedRoleAssignmentSchedule.
struct Schedule {
  std::string id;
  ScheduleKind kind = ScheduleKind::kEligibility;
  std::string principal_id;
  std::string role_definition_id;
  std::string directory_scope_id = "/";
  std::string app_scope_id;
  std::string member_type = "Direct";
  std::string assignment_type;  // assignments: "Assigned" or "Activated"
  std::string status = "Provisioned";
  std::string created_using;    // id of the request that created it
  std::string activated_using;  // activated assignments: the eligibility schedule id
  Timestamp created;
  Timestamp modified;
  Timestamp start;
  Timestamp end = Timestamp::Max();  // Max() = noExpiration
  ExpirationType expiration_type = ExpirationType::kNoExpiration;
  std::optional<Duration> duration;
  std::optional<Timestamp> removed;  // set when revoked/deactivated/expired early; end <= removed

  bool ActiveAt(Timestamp now) const { return !removed && start <= now && now < end; }
};

enum class RequestAction {
  kAdminAssign,
  kAdminUpdate,
  kAdminRemove,
  kSelfActivate,
  kSelfDeactivate,
  kAdminExtend,
  kAdminRenew,
  kSelfExtend,
  kSelfRenew,
};

// Graph's request statuses, written exactly as Graph spells them.
namespace request_status {
inline constexpr const char* kGranted = "Granted";
inline constexpr const char* kPendingApproval = "PendingApproval";
inline constexpr const char* kDenied = "Denied";
inline constexpr const char* kCanceled = "Canceled";
inline constexpr const char* kRevoked = "Revoked";
inline constexpr const char* kProvisioned = "Provisioned";
inline constexpr const char* kPendingProvisioning = "PendingProvisioning";
inline constexpr const char* kPendingScheduleCreation = "PendingScheduleCreation";
inline constexpr const char* kScheduleCreated = "ScheduleCreated";
inline constexpr const char* kFailed = "Failed";
inline constexpr const char* kPendingAdminDecision = "PendingAdminDecision";
}  // namespace request_status

// unifiedRoleEligibilityScheduleRequest / unifiedRoleAssignmentScheduleRequest.
struct ScheduleRequest {
  std::string id;
  ScheduleKind kind = ScheduleKind::kAssignment;
  RequestAction action = RequestAction::kSelfActivate;
  std::string principal_id;
  std::string role_definition_id;
  std::string directory_scope_id = "/";
  std::string app_scope_id;
  std::string justification;
  std::string ticket_number;
  std::string ticket_system;
  ScheduleInfo schedule_info;
  bool is_validation_only = false;
  std::string target_schedule_id;
  std::string approval_id;
  std::string status;
  std::string created_by;  // principal id of the caller
  std::string custom_data;
  Timestamp created;
  std::optional<Timestamp> completed;
  std::string cancel_reason;  // why the request ended as Canceled (e.g. approval timed out)
};

// One decision within an approval stage (pim extension: pimReviews).
struct ApprovalReview {
  std::string reviewer_id;
  std::string result;  // "Approve" | "Deny"
  std::string justification;
  Timestamp at;
  bool escalation = false;  // given as an escalation approver (not a primary or fallback one)
};

// One stage of an approval (Graph beta approvalStep).
struct ApprovalStep {
  std::string id;
  std::string display_name;
  std::string status = "NotStarted";          // NotStarted | InProgress | Completed | Expired
  std::string review_result = "NotReviewed";  // NotReviewed | Approve | Deny
  std::string reviewed_by;                    // last reviewer's principal id
  std::optional<Timestamp> reviewed;
  std::string justification;
  int quorum = 1;  // pimQuorum
  bool approver_justification_required = true;
  int timeout_days = 1;
  std::vector<std::string> approver_user_ids;   // singleUser approvers
  std::vector<std::string> approver_group_ids;  // groupMembers approvers
  bool fallback_approvers = false;              // none listed: active PRA/GA holders approve
  // Escalation: from `started` + escalation_minutes on, these may review the step too, in
  // addition to the approvers above (same quorum). 0: the step does not escalate.
  int escalation_minutes = 0;
  std::vector<std::string> escalation_user_ids;
  std::vector<std::string> escalation_group_ids;
  std::vector<ApprovalReview> reviews;
  std::optional<Timestamp> started;

  // When the step times out (started + timeout_days); nullopt while it has not started.
  std::optional<Timestamp> TimeoutAt() const {
    if (!started) return std::nullopt;
    return *started + Duration::Days(timeout_days);
  }
};

struct Approval {
  std::string id;
  std::string request_id;
  std::vector<ApprovalStep> steps;
};

}  // namespace pim
