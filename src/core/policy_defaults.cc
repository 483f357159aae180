// The 17 rule ids, rule lookup by id, and the default / recommended policies.
#include <string>
#include <utility>

#include "core/ids.h"
#include "core/policy.h"

namespace pim {
namespace {

RuleTarget Target(const char* caller, const char* level) {
  RuleTarget target;
  target.caller = caller;
  target.operations = {"all"};
  target.level = level;
  return target;
}

ExpirationRule Expiration(const char* id, const char* caller, const char* level, bool required,
                          Duration max) {
  ExpirationRule rule;
  rule.id = id;
  rule.target = Target(caller, level);
  rule.is_expiration_required = required;
  rule.maximum_duration = max;
  return rule;
}

EnablementRule Enablement(const char* id, const char* caller, const char* level,
                          std::vector<std::string> enabled) {
  EnablementRule rule;
  rule.id = id;
  rule.target = Target(caller, level);
  rule.enabled_rules = std::move(enabled);
  return rule;
}

// Resolves `rule_id` against `policy` (Policy or const Policy); Ref is the matching variant.
template <typename Ref, typename P>
Ref Find(P& policy, std::string_view rule_id) {
  if (EqualsIgnoreCase(rule_id, "Expiration_EndUser_Assignment")) {
    return &policy.expiration_enduser_assignment;
  }
  if (EqualsIgnoreCase(rule_id, "Expiration_Admin_Eligibility")) {
    return &policy.expiration_admin_eligibility;
  }
  if (EqualsIgnoreCase(rule_id, "Expiration_Admin_Assignment")) {
    return &policy.expiration_admin_assignment;
  }
  if (EqualsIgnoreCase(rule_id, "Enablement_EndUser_Assignment")) {
    return &policy.enablement_enduser_assignment;
  }
  if (EqualsIgnoreCase(rule_id, "Enablement_Admin_Eligibility")) {
    return &policy.enablement_admin_eligibility;
  }
  if (EqualsIgnoreCase(rule_id, "Enablement_Admin_Assignment")) {
    return &policy.enablement_admin_assignment;
  }
  if (EqualsIgnoreCase(rule_id, "AuthenticationContext_EndUser_Assignment")) {
    return &policy.authentication_context_enduser_assignment;
  }
  if (EqualsIgnoreCase(rule_id, "Approval_EndUser_Assignment")) {
    return &policy.approval_enduser_assignment;
  }
  for (auto& rule : policy.notifications) {
    if (EqualsIgnoreCase(rule_id, rule.id)) return &rule;
  }
  return std::monostate{};
}

}  // namespace

const std::vector<std::string>& PolicyRuleIds() {
  static const std::vector<std::string> kIds = {
      "Expiration_Admin_Eligibility",
      "Enablement_Admin_Eligibility",
      "Notification_Admin_Admin_Eligibility",
      "Notification_Requestor_Admin_Eligibility",
      "Notification_Approver_Admin_Eligibility",
      "Expiration_Admin_Assignment",
      "Enablement_Admin_Assignment",
      "Notification_Admin_Admin_Assignment",
      "Notification_Requestor_Admin_Assignment",
      "Notification_Approver_Admin_Assignment",
      "Expiration_EndUser_Assignment",
      "Enablement_EndUser_Assignment",
      "Approval_EndUser_Assignment",
      "AuthenticationContext_EndUser_Assignment",
      "Notification_Admin_EndUser_Assignment",
      "Notification_Requestor_EndUser_Assignment",
      "Notification_Approver_EndUser_Assignment",
  };
  return kIds;
}

PolicyRuleRef FindRule(Policy& policy, std::string_view rule_id) {
  return Find<PolicyRuleRef>(policy, rule_id);
}

ConstPolicyRuleRef FindRule(const Policy& policy, std::string_view rule_id) {
  return Find<ConstPolicyRuleRef>(policy, rule_id);
}

Policy MakeDefaultPolicy(std::string id, std::string display_name) {
  Policy p;
  p.id = std::move(id);
  p.display_name = std::move(display_name);
  p.expiration_admin_eligibility = Expiration("Expiration_Admin_Eligibility", "Admin",
                                              "Eligibility", false, Duration::Days(365));
  p.expiration_admin_assignment =
      Expiration("Expiration_Admin_Assignment", "Admin", "Assignment", true, Duration::Days(180));
  p.expiration_enduser_assignment = Expiration("Expiration_EndUser_Assignment", "EndUser",
                                               "Assignment", true, Duration::Hours(8));
  p.enablement_admin_eligibility =
      Enablement("Enablement_Admin_Eligibility", "Admin", "Eligibility", {});
  p.enablement_admin_assignment =
      Enablement("Enablement_Admin_Assignment", "Admin", "Assignment", {"Justification"});
  p.enablement_enduser_assignment =
      Enablement("Enablement_EndUser_Assignment", "EndUser", "Assignment",
                 {"MultiFactorAuthentication", "Justification"});

  AuthenticationContextRule& auth = p.authentication_context_enduser_assignment;
  auth.id = "AuthenticationContext_EndUser_Assignment";
  auth.target = Target("EndUser", "Assignment");
  auth.is_enabled = false;

  ApprovalRule& approval = p.approval_enduser_assignment;
  approval.id = "Approval_EndUser_Assignment";
  approval.target = Target("EndUser", "Assignment");
  approval.is_approval_required = false;
  approval.is_approval_required_for_extension = false;
  approval.is_requestor_justification_required = true;
  approval.approval_mode = "SingleStage";
  approval.approval_stages = {ApprovalStageSetting{}};

  p.notifications.clear();
  for (const std::string& rule_id : PolicyRuleIds()) {
    if (rule_id.rfind("Notification_", 0) != 0) continue;
    // Notification_<Recipient>_<Caller>_<Level>
    std::string rest = rule_id.substr(13);
    size_t sep = rest.find('_');
    NotificationRule rule;
    rule.id = rule_id;
    rule.recipient_type = rest.substr(0, sep);
    std::string target = rest.substr(sep + 1);
    bool enduser = target.rfind("EndUser", 0) == 0;
    bool eligibility = target.find("Eligibility") != std::string::npos;
    rule.target = Target(enduser ? "EndUser" : "Admin", eligibility ? "Eligibility" : "Assignment");
    p.notifications.push_back(std::move(rule));
  }
  return p;
}

Policy MakeRecommendedGlobalAdminPolicy(std::string id) {
  Policy p = MakeDefaultPolicy(std::move(id), "Global Administrator");
  p.description = "Recommended policy for Global Administrator";
  p.expiration_enduser_assignment.maximum_duration = Duration::Hours(2);
  p.enablement_enduser_assignment.enabled_rules = {"MultiFactorAuthentication", "Justification"};
  ApprovalRule& approval = p.approval_enduser_assignment;
  approval.is_approval_required = true;
  // Graph's default leaves extensions unapproved: one approval would then keep the role for as
  // long as the holder extends it within each last half hour, up to the eligibility's end.
  approval.is_approval_required_for_extension = true;
  approval.approval_mode = "SingleStage";
  ApprovalStageSetting stage;
  stage.approval_stage_timeout_in_days = 1;
  stage.is_approver_justification_required = true;
  stage.pim_quorum = 1;  // no approvers listed: active PRA and GA holders approve
  approval.approval_stages = {stage};
  return p;
}

}  // namespace pim
