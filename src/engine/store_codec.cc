#include "engine/store_codec.h"

#include <boost/json.hpp>

#include "engine/store_codec_json.h"

namespace pim {
namespace {

namespace json = boost::json;
using codec::Decode;
using codec::OptDur;
using codec::OptTs;
using codec::ParseObject;
using codec::Reader;
using codec::Strs;
using codec::Ts;
using codec::WriteOptMicros;

constexpr RequestAction kActions[] = {
    RequestAction::kAdminAssign,  RequestAction::kAdminUpdate,    RequestAction::kAdminRemove,
    RequestAction::kSelfActivate, RequestAction::kSelfDeactivate, RequestAction::kAdminExtend,
    RequestAction::kAdminRenew,   RequestAction::kSelfExtend,     RequestAction::kSelfRenew};

}  // namespace

const char* RequestActionName(RequestAction a) {
  switch (a) {
    case RequestAction::kAdminAssign:
      return "adminAssign";
    case RequestAction::kAdminUpdate:
      return "adminUpdate";
    case RequestAction::kAdminRemove:
      return "adminRemove";
    case RequestAction::kSelfActivate:
      return "selfActivate";
    case RequestAction::kSelfDeactivate:
      return "selfDeactivate";
    case RequestAction::kAdminExtend:
      return "adminExtend";
    case RequestAction::kAdminRenew:
      return "adminRenew";
    case RequestAction::kSelfExtend:
      return "selfExtend";
    case RequestAction::kSelfRenew:
      return "selfRenew";
  }
  return "unknown";
}

const char* ExpirationTypeName(ExpirationType t) {
  switch (t) {
    case ExpirationType::kNotSpecified:
      return "notSpecified";
    case ExpirationType::kNoExpiration:
      return "noExpiration";
    case ExpirationType::kAfterDateTime:
      return "afterDateTime";
    case ExpirationType::kAfterDuration:
      return "afterDuration";
  }
  return "notSpecified";
}

const char* PrincipalKindName(PrincipalKind k) {
  switch (k) {
    case PrincipalKind::kUser:
      return "user";
    case PrincipalKind::kGroup:
      return "group";
    case PrincipalKind::kServicePrincipal:
      return "servicePrincipal";
  }
  return "user";
}

namespace {
RequestAction ActionFromInt(int64_t i) {
  return i >= 0 && i < 9 ? kActions[i] : RequestAction::kSelfActivate;
}
int64_t ActionToInt(RequestAction a) {
  for (int i = 0; i < 9; ++i) {
    if (kActions[i] == a) return i;
  }
  return 3;
}
}  // namespace

std::string EncodePrincipal(const Principal& p) {
  json::object o{{"id", p.id},
                 {"kind", static_cast<int64_t>(p.kind)},
                 {"displayName", p.display_name},
                 {"upn", p.user_principal_name},
                 {"mail", p.mail},
                 {"description", p.description},
                 {"appId", p.app_id},
                 {"enabled", p.account_enabled},
                 {"breakGlass", p.break_glass},
                 {"assignable", p.is_assignable_to_role},
                 {"members", Strs(p.members)},
                 {"created", Ts(p.created)},
                 {"deleted", OptTs(p.deleted)}};
  return json::serialize(o);
}

Result<Principal> DecodePrincipal(std::string_view text) {
  return Decode<Principal>(text, [](const Reader& r, Principal& p) {
    p.id = r.Str("id");
    int64_t k = r.Int("kind");
    p.kind = k == 1 ? PrincipalKind::kGroup
                    : (k == 2 ? PrincipalKind::kServicePrincipal : PrincipalKind::kUser);
    p.display_name = r.Str("displayName");
    p.user_principal_name = r.Str("upn");
    p.mail = r.Str("mail");
    p.description = r.Str("description");
    p.app_id = r.Str("appId");
    p.account_enabled = r.Bool("enabled", true);
    p.break_glass = r.Bool("breakGlass");
    p.is_assignable_to_role = r.Bool("assignable");
    p.members = r.StrList("members");
    p.created = r.Time("created");
    p.deleted = r.OptTime("deleted");
  });
}

std::string EncodeRoleDefinition(const RoleDefinition& d) {
  json::array perms;
  for (const auto& rp : d.role_permissions) {
    perms.emplace_back(json::object{{"allowed", Strs(rp.allowed_resource_actions)},
                                    {"excluded", Strs(rp.excluded_resource_actions)},
                                    {"condition", rp.condition}});
  }
  json::object o{{"id", d.id},
                 {"displayName", d.display_name},
                 {"description", d.description},
                 {"builtIn", d.is_built_in},
                 {"enabled", d.is_enabled},
                 {"templateId", d.template_id},
                 {"version", d.version},
                 {"resourceScopes", Strs(d.resource_scopes)},
                 {"permissions", std::move(perms)},
                 {"created", Ts(d.created)},
                 {"modified", Ts(d.modified)}};
  return json::serialize(o);
}

Result<RoleDefinition> DecodeRoleDefinition(std::string_view text) {
  return Decode<RoleDefinition>(text, [](const Reader& r, RoleDefinition& d) {
    d.id = r.Str("id");
    d.display_name = r.Str("displayName");
    d.description = r.Str("description");
    d.is_built_in = r.Bool("builtIn");
    d.is_enabled = r.Bool("enabled", true);
    d.template_id = r.Str("templateId");
    d.version = r.Str("version");
    d.resource_scopes = r.StrList("resourceScopes");
    for (const auto* po : r.Objects("permissions")) {
      Reader pr(*po);
      d.role_permissions.push_back(
          {pr.StrList("allowed"), pr.StrList("excluded"), pr.Str("condition")});
    }
    d.created = r.Time("created");
    d.modified = r.Time("modified");
  });
}

std::string EncodeSchedule(const Schedule& s) {
  std::string out;
  out.reserve(640);
  JsonWriter w(out);
  w.BeginObject()
      .Member("id", s.id)
      .Member("kind", s.kind == ScheduleKind::kAssignment ? 1 : 0)
      .Member("principalId", s.principal_id)
      .Member("roleDefinitionId", s.role_definition_id)
      .Member("scope", s.directory_scope_id)
      .Member("appScope", s.app_scope_id)
      .Member("memberType", s.member_type)
      .Member("assignmentType", s.assignment_type)
      .Member("status", s.status)
      .Member("createdUsing", s.created_using)
      .Member("activatedUsing", s.activated_using)
      .Member("created", s.created.micros())
      .Member("modified", s.modified.micros())
      .Member("start", s.start.micros())
      .Member("end", s.end.micros())
      .Member("expirationType", static_cast<int64_t>(s.expiration_type));
  WriteOptMicros(w.Key("duration"), s.duration);
  WriteOptMicros(w.Key("removed"), s.removed);
  w.EndObject();
  return out;
}

Result<Schedule> DecodeSchedule(std::string_view text) {
  return Decode<Schedule>(text, [](const Reader& r, Schedule& s) {
    s.id = r.Str("id");
    s.kind = r.Int("kind") == 1 ? ScheduleKind::kAssignment : ScheduleKind::kEligibility;
    s.principal_id = r.Str("principalId");
    s.role_definition_id = r.Str("roleDefinitionId");
    s.directory_scope_id = r.Str("scope");
    s.app_scope_id = r.Str("appScope");
    s.member_type = r.Str("memberType");
    s.assignment_type = r.Str("assignmentType");
    s.status = r.Str("status");
    s.created_using = r.Str("createdUsing");
    s.activated_using = r.Str("activatedUsing");
    s.created = r.Time("created");
    s.modified = r.Time("modified");
    s.start = r.Time("start");
    s.end = Timestamp::FromMicros(r.Int("end", Timestamp::Max().micros()));
    s.expiration_type = static_cast<ExpirationType>(r.Int("expirationType", 1) & 3);
    s.duration = r.OptDuration("duration");
    s.removed = r.OptTime("removed");
  });
}

std::string EncodeRequest(const ScheduleRequest& q) {
  std::string out;
  out.reserve(896);
  JsonWriter w(out);
  w.BeginObject()
      .Member("id", q.id)
      .Member("kind", q.kind == ScheduleKind::kAssignment ? 1 : 0)
      .Member("action", ActionToInt(q.action))
      .Member("principalId", q.principal_id)
      .Member("roleDefinitionId", q.role_definition_id)
      .Member("scope", q.directory_scope_id)
      .Member("appScope", q.app_scope_id)
      .Member("justification", q.justification)
      .Member("ticketNumber", q.ticket_number)
      .Member("ticketSystem", q.ticket_system)
      .Key("scheduleInfo")
      .BeginObject();
  WriteOptMicros(w.Key("start"), q.schedule_info.start);
  w.Member("type", static_cast<int64_t>(q.schedule_info.type));
  WriteOptMicros(w.Key("end"), q.schedule_info.end);
  WriteOptMicros(w.Key("duration"), q.schedule_info.duration);
  w.EndObject()
      .Member("targetScheduleId", q.target_schedule_id)
      .Member("approvalId", q.approval_id)
      .Member("status", q.status)
      .Member("createdBy", q.created_by)
      .Member("customData", q.custom_data)
      .Member("created", q.created.micros());
  WriteOptMicros(w.Key("completed"), q.completed);
  w.Member("cancelReason", q.cancel_reason).EndObject();
  return out;
}

Result<ScheduleRequest> DecodeRequest(std::string_view text) {
  return Decode<ScheduleRequest>(text, [](const Reader& r, ScheduleRequest& q) {
    q.id = r.Str("id");
    q.kind = r.Int("kind") == 1 ? ScheduleKind::kAssignment : ScheduleKind::kEligibility;
    q.action = ActionFromInt(r.Int("action"));
    q.principal_id = r.Str("principalId");
    q.role_definition_id = r.Str("roleDefinitionId");
    q.directory_scope_id = r.Str("scope");
    q.app_scope_id = r.Str("appScope");
    q.justification = r.Str("justification");
    q.ticket_number = r.Str("ticketNumber");
    q.ticket_system = r.Str("ticketSystem");
    if (const json::object* io = r.Object("scheduleInfo")) {
      Reader ir(*io);
      q.schedule_info.start = ir.OptTime("start");
      q.schedule_info.type = static_cast<ExpirationType>(ir.Int("type") & 3);
      q.schedule_info.end = ir.OptTime("end");
      q.schedule_info.duration = ir.OptDuration("duration");
    }
    q.target_schedule_id = r.Str("targetScheduleId");
    q.approval_id = r.Str("approvalId");
    q.status = r.Str("status");
    q.created_by = r.Str("createdBy");
    q.custom_data = r.Str("customData");
    q.created = r.Time("created");
    q.completed = r.OptTime("completed");
    q.cancel_reason = r.Str("cancelReason");
  });
}

std::string EncodeApproval(const Approval& a) {
  json::array steps;
  for (const auto& st : a.steps) {
    json::array reviews;
    for (const auto& rv : st.reviews) {
      reviews.emplace_back(json::object{{"reviewerId", rv.reviewer_id},
                                        {"result", rv.result},
                                        {"justification", rv.justification},
                                        {"at", Ts(rv.at)},
                                        {"escalation", rv.escalation}});
    }
    steps.emplace_back(json::object{{"id", st.id},
                                    {"displayName", st.display_name},
                                    {"status", st.status},
                                    {"reviewResult", st.review_result},
                                    {"reviewedBy", st.reviewed_by},
                                    {"reviewed", OptTs(st.reviewed)},
                                    {"justification", st.justification},
                                    {"quorum", st.quorum},
                                    {"justificationRequired", st.approver_justification_required},
                                    {"timeoutDays", st.timeout_days},
                                    {"userIds", Strs(st.approver_user_ids)},
                                    {"groupIds", Strs(st.approver_group_ids)},
                                    {"fallback", st.fallback_approvers},
                                    {"escalationMinutes", st.escalation_minutes},
                                    {"escalationUserIds", Strs(st.escalation_user_ids)},
                                    {"escalationGroupIds", Strs(st.escalation_group_ids)},
                                    {"reviews", std::move(reviews)},
                                    {"started", OptTs(st.started)}});
  }
  json::object o{{"id", a.id}, {"requestId", a.request_id}, {"steps", std::move(steps)}};
  return json::serialize(o);
}

Result<Approval> DecodeApproval(std::string_view text) {
  return Decode<Approval>(text, [](const Reader& r, Approval& a) {
    a.id = r.Str("id");
    a.request_id = r.Str("requestId");
    for (const auto* so : r.Objects("steps")) {
      Reader sr(*so);
      ApprovalStep st;
      st.id = sr.Str("id");
      st.display_name = sr.Str("displayName");
      st.status = sr.Str("status");
      st.review_result = sr.Str("reviewResult");
      st.reviewed_by = sr.Str("reviewedBy");
      st.reviewed = sr.OptTime("reviewed");
      st.justification = sr.Str("justification");
      st.quorum = static_cast<int>(sr.Int("quorum", 1));
      st.approver_justification_required = sr.Bool("justificationRequired", true);
      st.timeout_days = static_cast<int>(sr.Int("timeoutDays", 1));
      st.approver_user_ids = sr.StrList("userIds");
      st.approver_group_ids = sr.StrList("groupIds");
      st.fallback_approvers = sr.Bool("fallback");
      // Absent from approvals stored before escalation was implemented: no escalation.
      st.escalation_minutes = static_cast<int>(sr.Int("escalationMinutes", 0));
      st.escalation_user_ids = sr.StrList("escalationUserIds");
      st.escalation_group_ids = sr.StrList("escalationGroupIds");
      for (const auto* ro : sr.Objects("reviews")) {
        Reader rr(*ro);
        st.reviews.push_back({rr.Str("reviewerId"), rr.Str("result"), rr.Str("justification"),
                              rr.Time("at"), rr.Bool("escalation")});
      }
      st.started = sr.OptTime("started");
      a.steps.push_back(std::move(st));
    }
  });
}

}  // namespace pim
