// pim admin policy show / set: a role's management policy at the directory root.
#include <algorithm>
#include <ostream>

#include "cli/cmd_util.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/resolve.h"
#include "core/ids.h"

namespace pim::cli {
namespace {

const std::string kPolicies = "/v1.0/policies/roleManagementPolicies/";

struct PolicyRef {
  std::string role_id;
  std::string policy_id;
};

Result<PolicyRef> FindPolicy(ApiClient& api, Directory& dir, const std::string& role) {
  PolicyRef ref;
  ASSIGN_OR_RETURN(ref.role_id, dir.RoleId(role));
  const std::string filter =
      "scopeId eq '/' and scopeType eq 'DirectoryRole' and "
      "roleDefinitionId eq '" +
      ref.role_id + "'";
  ASSIGN_OR_RETURN(
      json::value page,
      api.Get(WithQuery("/v1.0/policies/roleManagementPolicyAssignments", {{"$filter", filter}})));
  const json::array& found = Arr(page, "value");
  if (!found.empty()) ref.policy_id = Str(found.front(), "policyId");
  if (ref.policy_id.empty()) return NotFound("no policy is assigned to " + role + " at /");
  return ref;
}

Result<json::value> GetPolicy(ApiClient& api, const std::string& policy_id) {
  return api.Get(WithQuery(kPolicies + PathSegment(policy_id), {{"$expand", "rules"}}));
}

std::string Join(const json::array& items, Directory* dir) {
  std::string out;
  for (const json::value& v : items) {
    std::string item;
    if (const json::string* s = v.if_string()) {
      item = std::string(*s);
    } else if (std::string user = Str(v, "userId"); !user.empty()) {
      item = dir != nullptr ? dir->PrincipalName(user) : user;
    } else if (std::string group = Str(v, "groupId"); !group.empty()) {
      const std::string desc = Str(v, "description");
      item = "group " + (desc.empty() ? group : desc);
    } else {
      item = json::serialize(v);
    }
    out += (out.empty() ? "" : ", ") + item;
  }
  return out.empty() ? "none" : out;
}

std::string Describe(const json::value& rule, Directory& dir) {
  const std::string id = Str(rule, "id");
  if (id.starts_with("Expiration_")) {
    const std::string max = Str(rule, "maximumDuration");
    return std::string(Bool(rule, "isExpirationRequired") ? "required" : "not required") +
           (max.empty() ? "" : ", maximum " + max);
  }
  if (id.starts_with("Enablement_")) return Join(Arr(rule, "enabledRules"), nullptr);
  if (id.starts_with("AuthenticationContext_")) {
    return Bool(rule, "isEnabled") ? "on (" + Str(rule, "claimValue") + ")" : "off";
  }
  if (id.starts_with("Approval_")) {
    const json::value* setting = Member(rule, "setting");
    if (setting == nullptr) return "not required";
    if (!Bool(*setting, "isApprovalRequired")) {
      // Approvers kept while approval is off are asked once it is turned on.
      std::string approvers;
      for (const json::value& stage : Arr(*setting, "approvalStages")) {
        if (Arr(stage, "primaryApprovers").empty()) continue;
        approvers += (approvers.empty() ? "" : ", ") + Join(Arr(stage, "primaryApprovers"), &dir);
      }
      return approvers.empty()
                 ? "not required"
                 : "not required; approvers: " + approvers + " (used once approval is required)";
    }
    std::string out = "required";
    for (const json::value& stage : Arr(*setting, "approvalStages")) {
      out += "; approvers: " + Join(Arr(stage, "primaryApprovers"), &dir);
      if (const json::value* q = Member(stage, "pimQuorum"); q != nullptr && q->is_int64()) {
        out += ", quorum " + std::to_string(q->get_int64());
      }
      if (const json::value* t = Member(stage, "approvalStageTimeOutInDays");
          t != nullptr && t->is_int64()) {
        out += ", timeout " + std::to_string(t->get_int64()) + "d";
      }
    }
    return out;
  }
  if (id.starts_with("Notification_")) {
    std::string out = Str(rule, "notificationType") + " " + Str(rule, "notificationLevel");
    out += Bool(rule, "isDefaultRecipientsEnabled") ? ", default recipients" : "";
    const json::array& extra = Arr(rule, "notificationRecipients");
    if (!extra.empty()) out += ", also " + Join(extra, nullptr);
    return out;
  }
  json::value rest = rule;
  if (rest.is_object()) rest.as_object().erase("target");
  return json::serialize(rest);
}

std::string Label(const std::string& id) {
  static const std::pair<const char*, const char*> kLabels[] = {
      {"Expiration_EndUser_Assignment", "Activation maximum duration"},
      {"Enablement_EndUser_Assignment", "Activation requires"},
      {"Approval_EndUser_Assignment", "Activation approval"},
      {"AuthenticationContext_EndUser_Assignment", "Activation authentication context"},
      {"Expiration_Admin_Eligibility", "Eligible assignment expiration"},
      {"Enablement_Admin_Eligibility", "Eligible assignment requires"},
      {"Expiration_Admin_Assignment", "Active assignment expiration"},
      {"Enablement_Admin_Assignment", "Active assignment requires"},
  };
  for (const auto& [rule, label] : kLabels) {
    if (id == rule) return label;
  }
  return id;
}

const json::value* FindRule(const json::value& policy, std::string_view id) {
  for (const json::value& r : Arr(policy, "rules")) {
    if (Str(r, "id") == id) return &r;
  }
  return nullptr;
}

Result<std::string> EnablementName(const std::string& word) {
  const std::string w = ToLower(word);
  if (w == "mfa" || w == "multifactorauthentication")
    return std::string("MultiFactorAuthentication");
  if (w == "justification") return std::string("Justification");
  if (w == "ticket" || w == "ticketing") return std::string("Ticketing");
  return InvalidArgument("unknown requirement '" + word +
                         "' (use mfa, justification, ticket, none)");
}

}  // namespace

Status PolicyShow(Context& ctx, const std::string& role) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  Directory dir(session->api());
  ASSIGN_OR_RETURN(PolicyRef ref, FindPolicy(session->api(), dir, role));
  ASSIGN_OR_RETURN(json::value policy, GetPolicy(session->api(), ref.policy_id));
  if (ctx.json) {
    PrintJson(ctx, policy);
    return Status::Ok();
  }
  ctx.out << "Policy " << ref.policy_id << " for " << dir.RoleName(ref.role_id) << " at "
          << Str(policy, "scopeId") << '\n';
  if (std::string when = Str(policy, "lastModifiedDateTime"); !when.empty()) {
    // pimd names the modifier by id (Graph's displayName is null): shown by UPN, as approvers
    // are, or by id when the user cannot be read.
    std::string by = StrAt(policy, {"lastModifiedBy", "displayName"});
    if (by.empty()) by = dir.PrincipalName(StrAt(policy, {"lastModifiedBy", "id"}));
    ctx.out << "Last modified " << ShortTime(when) << (by.empty() ? "" : " by " + by) << '\n';
  }
  std::vector<std::vector<std::string>> rows;
  bool notifications = false;
  // Activation rules first, then admin assignment rules, then notifications (server order).
  for (int pass = 0; pass < 3; ++pass) {
    for (const json::value& r : Arr(policy, "rules")) {
      const std::string id = Str(r, "id");
      const int group = id.starts_with("Notification_")      ? 2
                        : id.ends_with("EndUser_Assignment") ? 0
                                                             : 1;
      if (group == pass) rows.push_back({Label(id), Describe(r, dir)});
      notifications = notifications || group == 2;
    }
  }
  ctx.out << '\n' << RenderTable({"RULE", "SETTING"}, rows);
  // Under the notification rows, which come last: no one should count on them (OPERATIONS.md).
  if (notifications) {
    ctx.out << "Note: pimd records these notifications in its outbox but does not deliver them "
               "yet.\n";
  }
  return Status::Ok();
}

Status PolicySet(Context& ctx, const PolicySetOptions& o) {
  if (o.max_duration.empty() && o.require.empty() && o.approval.empty() && o.approvers.empty()) {
    return InvalidArgument(
        "nothing to change: give --max-duration, --require, --approval or --approver");
  }
  if (!o.approval.empty() && o.approval != "on" && o.approval != "off") {
    return InvalidArgument("--approval takes on or off");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  ApiClient& api = session->api();
  Directory dir(api);
  ASSIGN_OR_RETURN(PolicyRef ref, FindPolicy(api, dir, o.role));
  ASSIGN_OR_RETURN(json::value policy, GetPolicy(api, ref.policy_id));

  std::vector<json::object> patches;
  auto start = [&](std::string_view id, std::string_view type) -> json::object {
    json::object body;
    if (const json::value* existing = FindRule(policy, id); existing && existing->is_object()) {
      body = existing->as_object();
    }
    body.erase("@odata.context");
    body["id"] = id;
    if (!body.contains("@odata.type")) {
      body["@odata.type"] = "#microsoft.graph.unifiedRoleManagementPolicy" + std::string(type);
    }
    return body;
  };
  if (!o.max_duration.empty()) {
    ASSIGN_OR_RETURN(std::string max, ParseDurationArg(o.max_duration));
    json::object body = start("Expiration_EndUser_Assignment", "ExpirationRule");
    body["maximumDuration"] = max;
    if (!body.contains("isExpirationRequired")) body["isExpirationRequired"] = true;
    patches.push_back(std::move(body));
  }
  if (!o.require.empty()) {
    json::array enabled;
    for (const std::string& word : o.require) {
      if (EqualsIgnoreCase(word, "none")) continue;
      ASSIGN_OR_RETURN(std::string name, EnablementName(word));
      if (std::find(enabled.begin(), enabled.end(), json::value(name)) == enabled.end()) {
        enabled.push_back(json::value(name));
      }
    }
    json::object body = start("Enablement_EndUser_Assignment", "EnablementRule");
    body["enabledRules"] = std::move(enabled);
    patches.push_back(std::move(body));
  }
  if (!o.approval.empty() || !o.approvers.empty()) {
    json::object body = start("Approval_EndUser_Assignment", "ApprovalRule");
    json::value& setting_value = body["setting"];
    if (!setting_value.is_object()) setting_value = json::object();
    json::object& setting = setting_value.as_object();
    if (!o.approval.empty()) setting["isApprovalRequired"] = o.approval == "on";
    if (!setting.contains("approvalMode")) setting["approvalMode"] = "SingleStage";
    json::value& stages = setting["approvalStages"];
    if (!stages.is_array() || stages.as_array().empty()) {
      stages = json::array{json::object{{"approvalStageTimeOutInDays", 1},
                                        {"isApproverJustificationRequired", true},
                                        {"primaryApprovers", json::array()}}};
    }
    if (!o.approvers.empty()) {
      json::array approvers;
      for (const std::string& who : o.approvers) {
        ASSIGN_OR_RETURN(std::string user_id, dir.UserId(who));
        approvers.push_back(json::object{{"@odata.type", "#microsoft.graph.singleUser"},
                                         {"userId", user_id},
                                         {"description", who}});
      }
      json::value& first = stages.as_array().front();
      if (!first.is_object()) first = json::object();
      first.as_object()["primaryApprovers"] = std::move(approvers);
    }
    patches.push_back(std::move(body));
  }

  json::array results;
  bool approval_off = false;  // approvers given for a role whose approval stays off
  for (const json::object& body : patches) {
    const std::string id = Str(body, "id");
    ASSIGN_OR_RETURN(json::value updated,
                     api.Patch(kPolicies + PathSegment(ref.policy_id) + "/rules/" + id, body));
    const json::value& shown = updated.is_object() ? updated : json::value(body);
    if (ctx.json) {
      results.push_back(shown);
    } else {
      ctx.out << Label(id) << ": " << Describe(shown, dir) << '\n';
    }
    if (id == "Approval_EndUser_Assignment" && !o.approvers.empty() && o.approval.empty()) {
      const json::value* setting = Member(shown, "setting");
      if (setting == nullptr || !Bool(*setting, "isApprovalRequired")) {
        approval_off = true;
      }
    }
  }
  if (ctx.json) PrintJson(ctx, results);
  if (approval_off) {
    ctx.err << "pim: note: approval is still off for " << dir.RoleName(ref.role_id)
            << "; the approvers are asked once it is turned on (--approval on)\n";
  }
  return Status::Ok();
}

}  // namespace pim::cli
