// Graph JSON of policies and rules (unifiedRoleManagementPolicy*), and the persistence encoding,
// which is the same Graph JSON with every rule included.
#include <boost/json.hpp>
#include <string>
#include <utility>

#include "core/ids.h"
#include "core/policy.h"

namespace pim {
namespace {

namespace json = boost::json;

json::array Strings(const std::vector<std::string>& items) {
  json::array out;
  for (const std::string& s : items) out.emplace_back(s);
  return out;
}

json::value NullIfEmpty(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}

json::object Base(const char* odata_type, const std::string& id, const RuleTarget& t) {
  json::object o;
  o["@odata.type"] = odata_type;
  o["id"] = id;
  o["target"] = json::object{{"caller", t.caller},
                             {"operations", Strings(t.operations)},
                             {"level", t.level},
                             {"inheritableSettings", Strings(t.inheritable_settings)},
                             {"enforcedSettings", Strings(t.enforced_settings)}};
  return o;
}

json::array Subjects(const std::vector<ApproverSubject>& subjects) {
  json::array out;
  for (const ApproverSubject& s : subjects) {
    json::object o;
    o["@odata.type"] = s.odata_type;
    if (s.odata_type == "#microsoft.graph.groupMembers") {
      o["groupId"] = s.group_id;
    } else {
      o["userId"] = s.user_id;
    }
    o["description"] = NullIfEmpty(s.description);
    out.push_back(std::move(o));
  }
  return out;
}

json::object ToJson(const std::string& id, const ExpirationRule& r) {
  json::object o = Base("#microsoft.graph.unifiedRoleManagementPolicyExpirationRule", id, r.target);
  o["isExpirationRequired"] = r.is_expiration_required;
  o["maximumDuration"] = FormatDuration(r.maximum_duration);
  return o;
}

json::object ToJson(const std::string& id, const EnablementRule& r) {
  json::object o = Base("#microsoft.graph.unifiedRoleManagementPolicyEnablementRule", id, r.target);
  o["enabledRules"] = Strings(r.enabled_rules);
  return o;
}

json::object ToJson(const std::string& id, const AuthenticationContextRule& r) {
  json::object o =
      Base("#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule", id, r.target);
  o["isEnabled"] = r.is_enabled;
  o["claimValue"] = NullIfEmpty(r.claim_value);
  return o;
}

json::object ToJson(const std::string& id, const ApprovalRule& r) {
  json::object o = Base("#microsoft.graph.unifiedRoleManagementPolicyApprovalRule", id, r.target);
  json::array stages;
  for (const ApprovalStageSetting& s : r.approval_stages) {
    stages.push_back(json::object{
        {"approvalStageTimeOutInDays", s.approval_stage_timeout_in_days},
        {"isApproverJustificationRequired", s.is_approver_justification_required},
        {"escalationTimeInMinutes", s.escalation_time_in_minutes},
        {"isEscalationEnabled", s.is_escalation_enabled},
        {"primaryApprovers", Subjects(s.primary_approvers)},
        {"escalationApprovers", Subjects(s.escalation_approvers)},
        {"pimQuorum", s.pim_quorum},
    });
  }
  o["setting"] = json::object{
      {"isApprovalRequired", r.is_approval_required},
      {"isApprovalRequiredForExtension", r.is_approval_required_for_extension},
      {"isRequestorJustificationRequired", r.is_requestor_justification_required},
      {"approvalMode", r.approval_mode},
      {"approvalStages", std::move(stages)},
  };
  return o;
}

json::object ToJson(const std::string& id, const NotificationRule& r) {
  json::object o =
      Base("#microsoft.graph.unifiedRoleManagementPolicyNotificationRule", id, r.target);
  o["notificationType"] = r.notification_type;
  o["recipientType"] = r.recipient_type;
  o["notificationLevel"] = r.notification_level;
  o["isDefaultRecipientsEnabled"] = r.is_default_recipients_enabled;
  o["notificationRecipients"] = Strings(r.notification_recipients);
  return o;
}

// The canonical spelling of a rule id, or "" when it is not one of the 17.
std::string CanonicalRuleId(std::string_view rule_id) {
  for (const std::string& id : PolicyRuleIds()) {
    if (EqualsIgnoreCase(id, rule_id)) return id;
  }
  return "";
}

Status Corrupt(const std::string& what) {
  return InvalidArgument("stored role management policy is invalid: " + what);
}

Status ReadString(const json::object& o, std::string_view key, bool required, std::string* out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) return Corrupt(std::string(key) + " is missing");
    return Status::Ok();
  }
  if (!v->is_string()) return Corrupt(std::string(key) + " must be a string");
  *out = std::string(v->get_string());
  return Status::Ok();
}

}  // namespace

Result<json::object> RuleToGraph(const Policy& policy, std::string_view rule_id) {
  std::string id = CanonicalRuleId(rule_id);
  ConstPolicyRuleRef ref = FindRule(policy, rule_id);
  if (id.empty() || std::holds_alternative<std::monostate>(ref)) {
    return NotFound("no rule '" + std::string(rule_id) + "' in role management policy");
  }
  if (auto* r = std::get_if<const ExpirationRule*>(&ref)) return ToJson(id, **r);
  if (auto* r = std::get_if<const EnablementRule*>(&ref)) return ToJson(id, **r);
  if (auto* r = std::get_if<const AuthenticationContextRule*>(&ref)) return ToJson(id, **r);
  if (auto* r = std::get_if<const ApprovalRule*>(&ref)) return ToJson(id, **r);
  return ToJson(id, *std::get<const NotificationRule*>(ref));
}

json::object PolicyToGraph(const Policy& policy, bool with_rules) {
  json::object o;
  o["id"] = policy.id;
  o["displayName"] = policy.display_name;
  o["description"] = policy.description;
  o["isOrganizationDefault"] = policy.is_organization_default;
  o["scopeId"] = policy.scope_id;
  o["scopeType"] = policy.scope_type;
  o["lastModifiedDateTime"] =
      policy.last_modified ? json::value(FormatTimestamp(*policy.last_modified)) : nullptr;
  o["lastModifiedBy"] =
      json::object{{"id", NullIfEmpty(policy.last_modified_by)}, {"displayName", nullptr}};
  if (with_rules) {
    json::array rules;
    for (const std::string& id : PolicyRuleIds()) {
      Result<json::object> rule = RuleToGraph(policy, id);
      if (rule.ok()) rules.push_back(std::move(*rule));
    }
    o["rules"] = std::move(rules);
  }
  return o;
}

std::string EncodePolicy(const Policy& policy) {
  return json::serialize(PolicyToGraph(policy, /*with_rules=*/true));
}

Result<Policy> DecodePolicy(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return Corrupt("not JSON (" + ec.message() + ")");
  if (!root.is_object()) return Corrupt("not a JSON object");
  const json::object& o = root.get_object();
  std::string id, display_name;
  RETURN_IF_ERROR(ReadString(o, "id", true, &id));
  RETURN_IF_ERROR(ReadString(o, "displayName", true, &display_name));
  // Rules absent from the text keep the defaults.
  Policy p = MakeDefaultPolicy(std::move(id), std::move(display_name));
  RETURN_IF_ERROR(ReadString(o, "description", false, &p.description));
  RETURN_IF_ERROR(ReadString(o, "scopeId", false, &p.scope_id));
  RETURN_IF_ERROR(ReadString(o, "scopeType", false, &p.scope_type));
  if (const json::value* v = o.if_contains("isOrganizationDefault")) {
    if (!v->is_bool()) return Corrupt("isOrganizationDefault must be a boolean");
    p.is_organization_default = v->get_bool();
  }
  std::string modified;
  RETURN_IF_ERROR(ReadString(o, "lastModifiedDateTime", false, &modified));
  if (!modified.empty()) {
    Result<Timestamp> t = ParseTimestamp(modified);
    if (!t.ok()) return Corrupt(t.status().message());
    p.last_modified = *t;
  }
  if (const json::value* by = o.if_contains("lastModifiedBy"); by && by->is_object()) {
    RETURN_IF_ERROR(ReadString(by->get_object(), "id", false, &p.last_modified_by));
  }
  if (const json::value* rules = o.if_contains("rules")) {
    if (!rules->is_array()) return Corrupt("rules must be an array");
    for (const json::value& rule : rules->get_array()) {
      const json::value* rule_id = rule.is_object() ? rule.get_object().if_contains("id") : nullptr;
      if (rule_id == nullptr || !rule_id->is_string()) return Corrupt("a rule has no id");
      Status st = PatchRule(p, rule_id->get_string(), rule, RuleSource::kStored);
      if (!st.ok()) return Corrupt(st.message());
    }
  }
  return p;
}

}  // namespace pim
