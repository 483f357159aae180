// PatchRule: strict reading of one rule's Graph JSON into a copy of the rule, committed only when
// the whole body is valid.
#include "core/policy.h"

#include <boost/json.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "core/ids.h"

namespace pim {
namespace {

namespace json = boost::json;

// Validation context: the rule id, for messages that name the rule and the field, and whether
// the JSON is a client's (RuleSource::kRequest) or the store's.
struct Ctx {
  std::string rule_id;
  RuleSource source = RuleSource::kRequest;
  Status Bad(const std::string& field, const std::string& what) const {
    return InvalidArgument(rule_id + ": " + field + " " + what);
  }
};

std::string Join(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

Status GetBool(const Ctx& ctx, const std::string& field, const json::value& v, bool* out) {
  if (!v.is_bool()) return ctx.Bad(field, "must be a boolean");
  *out = v.get_bool();
  return Status::Ok();
}

Status GetInt(const Ctx& ctx, const std::string& field, const json::value& v, int min, int* out) {
  int64_t n;
  if (v.is_int64()) {
    n = v.get_int64();
  } else if (v.is_uint64() && v.get_uint64() <= uint64_t{INT32_MAX}) {
    n = static_cast<int64_t>(v.get_uint64());
  } else {
    return ctx.Bad(field, "must be an integer");
  }
  if (n < min || n > std::numeric_limits<int32_t>::max()) {
    return ctx.Bad(field, "must be an integer >= " + std::to_string(min));
  }
  *out = static_cast<int>(n);
  return Status::Ok();
}

// Strings; JSON null reads as "" only when `nullable`.
Status GetString(const Ctx& ctx, const std::string& field, const json::value& v, bool nullable,
                 std::string* out) {
  if (nullable && v.is_null()) {
    out->clear();
    return Status::Ok();
  }
  if (!v.is_string()) return ctx.Bad(field, "must be a string");
  *out = std::string(v.get_string());
  return Status::Ok();
}

Status GetStringArray(const Ctx& ctx, const std::string& field, const json::value& v,
                      std::vector<std::string>* out) {
  if (!v.is_array()) return ctx.Bad(field, "must be an array of strings");
  std::vector<std::string> items;
  for (const json::value& item : v.get_array()) {
    if (!item.is_string()) return ctx.Bad(field, "must be an array of strings");
    items.emplace_back(item.get_string());
  }
  *out = std::move(items);
  return Status::Ok();
}

// Matches `v` case-insensitively against `members`; writes the member's own casing.
Status GetEnum(const Ctx& ctx, const std::string& field, const json::value& v,
               std::initializer_list<const char*> members, std::string* out) {
  std::string allowed;
  for (const char* m : members) allowed += (allowed.empty() ? "" : ", ") + std::string(m);
  if (!v.is_string()) return ctx.Bad(field, "must be one of: " + allowed);
  for (const char* m : members) {
    if (EqualsIgnoreCase(v.get_string(), m)) {
      *out = m;
      return Status::Ok();
    }
  }
  return ctx.Bad(field, "has unknown value '" + std::string(v.get_string()) +
                            "'; expected one of: " + allowed);
}

Status Unknown(const Ctx& ctx, const std::string& prefix, std::string_view key) {
  return InvalidArgument(ctx.rule_id + ": unknown property '" + Join(prefix, key) + "'");
}

// Whether the "@odata.type" value `given` names `expected` ("#microsoft.graph.x"): compared
// case-insensitively, the leading '#' optional (Graph's own examples write nested types as
// "microsoft.graph.approvalSettings").
bool NamesODataType(std::string_view given, std::string_view expected) {
  if (!given.empty() && given.front() == '#') given.remove_prefix(1);
  if (!expected.empty() && expected.front() == '#') expected.remove_prefix(1);
  return EqualsIgnoreCase(given, expected);
}

// "@odata.type", when present, must name `expected` (see NamesODataType).
Status CheckODataType(const Ctx& ctx, const std::string& prefix, const json::value& v,
                      std::string_view expected) {
  std::string field = Join(prefix, "@odata.type");
  if (!v.is_string()) return ctx.Bad(field, "must be a string");
  if (!NamesODataType(v.get_string(), expected)) {
    return ctx.Bad(field, "must be '" + std::string(expected) + "'");
  }
  return Status::Ok();
}

Status ReadTarget(const Ctx& ctx, const json::value& v, RuleTarget* target) {
  if (!v.is_object()) return ctx.Bad("target", "must be an object");
  RuleTarget t = *target;
  for (const auto& kv : v.get_object()) {
    std::string field = Join("target", kv.key());
    if (kv.key() == "@odata.type") {
      RETURN_IF_ERROR(CheckODataType(ctx, "target", kv.value(),
                                     "#microsoft.graph.unifiedRoleManagementPolicyRuleTarget"));
    } else if (kv.key() == "caller" || kv.key() == "level") {
      std::string value;
      RETURN_IF_ERROR(GetString(ctx, field, kv.value(), false, &value));
      const std::string& expected = kv.key() == "caller" ? t.caller : t.level;
      if (!EqualsIgnoreCase(value, expected)) {
        return ctx.Bad(field, "must be '" + expected + "' for this rule");
      }
    } else if (kv.key() == "operations") {
      if (!kv.value().is_array()) return ctx.Bad(field, "must be an array");
      std::vector<std::string> ops;
      for (const json::value& op : kv.value().get_array()) {
        std::string canonical;
        RETURN_IF_ERROR(GetEnum(
            ctx, field, op,
            {"all", "activate", "deactivate", "assign", "update", "remove", "extend", "renew"},
            &canonical));
        ops.push_back(canonical);
      }
      t.operations = std::move(ops);
    } else if (kv.key() == "inheritableSettings") {
      RETURN_IF_ERROR(GetStringArray(ctx, field, kv.value(), &t.inheritable_settings));
    } else if (kv.key() == "enforcedSettings") {
      RETURN_IF_ERROR(GetStringArray(ctx, field, kv.value(), &t.enforced_settings));
    } else {
      return Unknown(ctx, "target", kv.key());
    }
  }
  *target = std::move(t);
  return Status::Ok();
}

// Handles the properties every rule has. Sets *handled when `key` was one of them.
Status ReadCommon(const Ctx& ctx, std::string_view odata_type, std::string_view key,
                  const json::value& v, RuleTarget* target, bool* handled) {
  *handled = true;
  if (key == "@odata.type") return CheckODataType(ctx, "", v, odata_type);
  if (key == "@odata.context") return Status::Ok();  // echoed back by clients from a GET
  if (key == "id") {
    if (!v.is_string() || !EqualsIgnoreCase(v.get_string(), ctx.rule_id)) {
      return ctx.Bad("id", "must be '" + ctx.rule_id + "'");
    }
    return Status::Ok();
  }
  if (key == "target") return ReadTarget(ctx, v, target);
  *handled = false;
  return Status::Ok();
}

template <typename Rule, typename Fn>
Status ReadRule(const Ctx& ctx, std::string_view odata_type, const json::object& obj, Rule* rule,
                Fn read_field) {
  for (const auto& kv : obj) {
    bool handled = false;
    RETURN_IF_ERROR(ReadCommon(ctx, odata_type, kv.key(), kv.value(), &rule->target, &handled));
    if (!handled) RETURN_IF_ERROR(read_field(kv.key(), kv.value()));
  }
  return Status::Ok();
}

Status ReadExpiration(const Ctx& ctx, const json::object& obj, ExpirationRule* rule) {
  return ReadRule(ctx, "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule", obj, rule,
                  [&](std::string_view key, const json::value& v) -> Status {
                    if (key == "isExpirationRequired") {
                      return GetBool(ctx, "isExpirationRequired", v, &rule->is_expiration_required);
                    }
                    if (key == "maximumDuration") {
                      if (!v.is_string())
                        return ctx.Bad("maximumDuration", "must be an ISO 8601 duration");
                      Result<Duration> d = ParseDuration(v.get_string());
                      if (!d.ok())
                        return ctx.Bad("maximumDuration", "is invalid: " + d.status().message());
                      if (!d->positive())
                        return ctx.Bad("maximumDuration", "must be a positive duration");
                      rule->maximum_duration = *d;
                      return Status::Ok();
                    }
                    return Unknown(ctx, "", key);
                  });
}

Status ReadEnablement(const Ctx& ctx, const json::object& obj, EnablementRule* rule) {
  return ReadRule(ctx, "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule", obj, rule,
                  [&](std::string_view key, const json::value& v) -> Status {
                    if (key != "enabledRules") return Unknown(ctx, "", key);
                    if (!v.is_array()) return ctx.Bad("enabledRules", "must be an array");
                    std::vector<std::string> rules;
                    for (const json::value& item : v.get_array()) {
                      std::string canonical;
                      RETURN_IF_ERROR(GetEnum(
                          ctx, "enabledRules", item,
                          {"MultiFactorAuthentication", "Justification", "Ticketing"}, &canonical));
                      bool seen = false;
                      for (const auto& r : rules) seen = seen || r == canonical;
                      if (!seen) rules.push_back(canonical);
                    }
                    rule->enabled_rules = std::move(rules);
                    return Status::Ok();
                  });
}

Status ReadAuthContext(const Ctx& ctx, const json::object& obj, AuthenticationContextRule* rule) {
  return ReadRule(ctx, "#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule", obj,
                  rule, [&](std::string_view key, const json::value& v) -> Status {
                    if (key == "isEnabled") return GetBool(ctx, "isEnabled", v, &rule->is_enabled);
                    if (key == "claimValue") {
                      return GetString(ctx, "claimValue", v, true, &rule->claim_value);
                    }
                    return Unknown(ctx, "", key);
                  });
}

Status ReadNotification(const Ctx& ctx, const json::object& obj, NotificationRule* rule) {
  return ReadRule(
      ctx, "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule", obj, rule,
      [&](std::string_view key, const json::value& v) -> Status {
        if (key == "notificationType") {
          return GetEnum(ctx, "notificationType", v, {"Email"}, &rule->notification_type);
        }
        if (key == "recipientType") {
          std::string value;
          RETURN_IF_ERROR(GetString(ctx, "recipientType", v, false, &value));
          if (!EqualsIgnoreCase(value, rule->recipient_type)) {
            return ctx.Bad("recipientType", "must be '" + rule->recipient_type + "' for this rule");
          }
          return Status::Ok();
        }
        if (key == "notificationLevel") {
          return GetEnum(ctx, "notificationLevel", v, {"All", "Critical"},
                         &rule->notification_level);
        }
        if (key == "isDefaultRecipientsEnabled") {
          return GetBool(ctx, "isDefaultRecipientsEnabled", v,
                         &rule->is_default_recipients_enabled);
        }
        if (key == "notificationRecipients") {
          std::vector<std::string> recipients;
          RETURN_IF_ERROR(GetStringArray(ctx, "notificationRecipients", v, &recipients));
          for (const std::string& r : recipients) {
            size_t at = r.find('@');
            if (at == std::string::npos || at == 0 || at + 1 == r.size()) {
              return ctx.Bad("notificationRecipients",
                             "must hold e-mail addresses, not '" + r + "'");
            }
          }
          rule->notification_recipients = std::move(recipients);
          return Status::Ok();
        }
        return Unknown(ctx, "", key);
      });
}

// subjectSet: singleUser or groupMembers.
Status ReadSubject(const Ctx& ctx, const std::string& field, const json::value& v,
                   ApproverSubject* out) {
  if (!v.is_object()) return ctx.Bad(field, "must be an object");
  const json::object& obj = v.get_object();
  const json::value* type = obj.if_contains("@odata.type");
  if (type == nullptr || !type->is_string()) {
    return ctx.Bad(Join(field, "@odata.type"),
                   "is required: #microsoft.graph.singleUser or #microsoft.graph.groupMembers");
  }
  ApproverSubject s;
  bool user = NamesODataType(type->get_string(), "#microsoft.graph.singleUser");
  if (!user && !NamesODataType(type->get_string(), "#microsoft.graph.groupMembers")) {
    return ctx.Bad(Join(field, "@odata.type"),
                   "'" + std::string(type->get_string()) +
                       "' is not supported; use #microsoft.graph.singleUser or "
                       "#microsoft.graph.groupMembers");
  }
  s.odata_type = user ? "#microsoft.graph.singleUser" : "#microsoft.graph.groupMembers";
  const char* id_key = user ? "userId" : "groupId";
  for (const auto& kv : obj) {
    if (kv.key() == "@odata.type") continue;
    if (kv.key() == "description") {
      RETURN_IF_ERROR(GetString(ctx, Join(field, "description"), kv.value(), true, &s.description));
    } else if (kv.key() == id_key) {
      std::string id;
      RETURN_IF_ERROR(GetString(ctx, Join(field, id_key), kv.value(), false, &id));
      if (!IsGuid(id)) return ctx.Bad(Join(field, id_key), "must be a GUID");
      (user ? s.user_id : s.group_id) = ToLower(id);
    } else {
      return Unknown(ctx, field, kv.key());
    }
  }
  if ((user ? s.user_id : s.group_id).empty()) {
    return ctx.Bad(Join(field, id_key), "is required");
  }
  *out = std::move(s);
  return Status::Ok();
}

Status ReadSubjects(const Ctx& ctx, const std::string& field, const json::value& v,
                    std::vector<ApproverSubject>* out) {
  if (!v.is_array()) return ctx.Bad(field, "must be an array");
  std::vector<ApproverSubject> subjects;
  for (size_t i = 0; i < v.get_array().size(); ++i) {
    ApproverSubject s;
    RETURN_IF_ERROR(ReadSubject(ctx, field + "[" + std::to_string(i) + "]", v.get_array()[i], &s));
    subjects.push_back(std::move(s));
  }
  *out = std::move(subjects);
  return Status::Ok();
}

// unifiedApprovalStage; missing properties keep ApprovalStageSetting's defaults.
Status ReadStage(const Ctx& ctx, const std::string& field, const json::value& v,
                 ApprovalStageSetting* out) {
  if (!v.is_object()) return ctx.Bad(field, "must be an object");
  ApprovalStageSetting stage;
  for (const auto& kv : v.get_object()) {
    std::string f = Join(field, kv.key());
    const json::value& x = kv.value();
    if (kv.key() == "@odata.type") {
      RETURN_IF_ERROR(CheckODataType(ctx, field, x, "#microsoft.graph.unifiedApprovalStage"));
    } else if (kv.key() == "approvalStageTimeOutInDays") {
      RETURN_IF_ERROR(GetInt(ctx, f, x, 1, &stage.approval_stage_timeout_in_days));
    } else if (kv.key() == "isApproverJustificationRequired") {
      RETURN_IF_ERROR(GetBool(ctx, f, x, &stage.is_approver_justification_required));
    } else if (kv.key() == "escalationTimeInMinutes") {
      RETURN_IF_ERROR(GetInt(ctx, f, x, 0, &stage.escalation_time_in_minutes));
    } else if (kv.key() == "isEscalationEnabled") {
      RETURN_IF_ERROR(GetBool(ctx, f, x, &stage.is_escalation_enabled));
    } else if (kv.key() == "primaryApprovers") {
      RETURN_IF_ERROR(ReadSubjects(ctx, f, x, &stage.primary_approvers));
    } else if (kv.key() == "escalationApprovers") {
      RETURN_IF_ERROR(ReadSubjects(ctx, f, x, &stage.escalation_approvers));
    } else if (kv.key() == "pimQuorum") {
      RETURN_IF_ERROR(GetInt(ctx, f, x, 1, &stage.pim_quorum));
    } else {
      return Unknown(ctx, field, kv.key());
    }
  }
  *out = std::move(stage);
  return Status::Ok();
}

Status ReadSetting(const Ctx& ctx, const json::value& v, ApprovalRule* rule) {
  if (!v.is_object()) return ctx.Bad("setting", "must be an object");
  for (const auto& kv : v.get_object()) {
    std::string f = Join("setting", kv.key());
    const json::value& x = kv.value();
    if (kv.key() == "@odata.type") {
      RETURN_IF_ERROR(CheckODataType(ctx, "setting", x, "#microsoft.graph.approvalSettings"));
    } else if (kv.key() == "isApprovalRequired") {
      RETURN_IF_ERROR(GetBool(ctx, f, x, &rule->is_approval_required));
    } else if (kv.key() == "isApprovalRequiredForExtension") {
      RETURN_IF_ERROR(GetBool(ctx, f, x, &rule->is_approval_required_for_extension));
    } else if (kv.key() == "isRequestorJustificationRequired") {
      RETURN_IF_ERROR(GetBool(ctx, f, x, &rule->is_requestor_justification_required));
    } else if (kv.key() == "approvalMode") {
      RETURN_IF_ERROR(GetEnum(ctx, f, x, {"SingleStage", "Serial", "Parallel", "NoApproval"},
                              &rule->approval_mode));
    } else if (kv.key() == "approvalStages") {
      if (!x.is_array()) return ctx.Bad(f, "must be an array");
      std::vector<ApprovalStageSetting> stages;
      for (size_t i = 0; i < x.get_array().size(); ++i) {
        ApprovalStageSetting stage;
        RETURN_IF_ERROR(
            ReadStage(ctx, f + "[" + std::to_string(i) + "]", x.get_array()[i], &stage));
        stages.push_back(std::move(stage));
      }
      rule->approval_stages = std::move(stages);
    } else {
      return Unknown(ctx, "setting", kv.key());
    }
  }
  return Status::Ok();
}

// Consistency of the merged approval rule.
Status CheckApproval(const Ctx& ctx, const ApprovalRule& rule) {
  const std::string& mode = rule.approval_mode;
  size_t stages = rule.approval_stages.size();
  if (ctx.source == RuleSource::kRequest && mode == "Parallel") {
    return ctx.Bad("setting.approvalMode",
                   "Parallel is not supported: pim supports SingleStage, Serial and NoApproval");
  }
  if (mode == "Serial" && stages == 0) {
    return ctx.Bad("setting.approvalStages",
                   "must hold at least one stage when approvalMode is "
                   "Serial");
  }
  if (mode == "SingleStage" && stages > 1) {
    return ctx.Bad("setting.approvalStages",
                   "must hold at most one stage when approvalMode is SingleStage");
  }
  bool required = rule.is_approval_required || rule.is_approval_required_for_extension;
  if (required && mode == "NoApproval") {
    return ctx.Bad("setting.approvalMode", "NoApproval contradicts isApprovalRequired");
  }
  if (required && stages == 0) {
    return ctx.Bad("setting.approvalStages", "must hold a stage when approval is required");
  }
  if (ctx.source == RuleSource::kStored) return Status::Ok();
  for (size_t i = 0; i < stages; ++i) {
    const ApprovalStageSetting& stage = rule.approval_stages[i];
    if (!stage.is_escalation_enabled) continue;
    const std::string field = "setting.approvalStages[" + std::to_string(i) + "].";
    if (stage.escalation_approvers.empty()) {
      return ctx.Bad(field + "escalationApprovers",
                     "must name at least one approver when isEscalationEnabled is true");
    }
    if (stage.escalation_time_in_minutes <= 0) {
      return ctx.Bad(field + "escalationTimeInMinutes",
                     "must be greater than 0 when isEscalationEnabled is true");
    }
    const int64_t timeout_minutes = int64_t{stage.approval_stage_timeout_in_days} * 1440;
    if (stage.escalation_time_in_minutes >= timeout_minutes) {
      return ctx.Bad(field + "escalationTimeInMinutes",
                     "must be less than the stage's timeout (approvalStageTimeOutInDays x 1440 = " +
                         std::to_string(timeout_minutes) + " minutes)");
    }
  }
  return Status::Ok();
}

Status ReadApproval(const Ctx& ctx, const json::object& obj, ApprovalRule* rule) {
  RETURN_IF_ERROR(ReadRule(ctx, "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule", obj,
                           rule, [&](std::string_view key, const json::value& v) -> Status {
                             if (key == "setting") return ReadSetting(ctx, v, rule);
                             return Unknown(ctx, "", key);
                           }));
  return CheckApproval(ctx, *rule);
}

}  // namespace

Status PatchRule(Policy& policy, std::string_view rule_id, const json::value& body,
                 RuleSource source) {
  PolicyRuleRef ref = FindRule(policy, rule_id);
  if (std::holds_alternative<std::monostate>(ref)) {
    return NotFound("no rule '" + std::string(rule_id) + "' in role management policy");
  }
  Ctx ctx;
  ctx.source = source;
  for (const std::string& id : PolicyRuleIds()) {
    if (EqualsIgnoreCase(id, rule_id)) ctx.rule_id = id;
  }
  if (!body.is_object()) return InvalidArgument(ctx.rule_id + ": the rule must be a JSON object");
  const json::object& obj = body.get_object();
  // Each reader works on a copy; the policy changes only when the whole body is valid.
  auto apply = [&](auto* rule, auto read) -> Status {
    auto copy = *rule;
    RETURN_IF_ERROR(read(copy));
    *rule = std::move(copy);
    return Status::Ok();
  };
  if (auto** r = std::get_if<ExpirationRule*>(&ref)) {
    return apply(*r, [&](ExpirationRule& c) { return ReadExpiration(ctx, obj, &c); });
  }
  if (auto** r = std::get_if<EnablementRule*>(&ref)) {
    return apply(*r, [&](EnablementRule& c) { return ReadEnablement(ctx, obj, &c); });
  }
  if (auto** r = std::get_if<AuthenticationContextRule*>(&ref)) {
    return apply(*r, [&](AuthenticationContextRule& c) { return ReadAuthContext(ctx, obj, &c); });
  }
  if (auto** r = std::get_if<ApprovalRule*>(&ref)) {
    return apply(*r, [&](ApprovalRule& c) { return ReadApproval(ctx, obj, &c); });
  }
  auto** r = std::get_if<NotificationRule*>(&ref);
  return apply(*r, [&](NotificationRule& c) { return ReadNotification(ctx, obj, &c); });
}

}  // namespace pim
