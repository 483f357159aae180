#include "engine/store_codec.h"

#include <boost/json.hpp>

namespace pim {
namespace {

namespace json = boost::json;

json::value Ts(Timestamp t) { return t.micros(); }
json::value OptTs(const std::optional<Timestamp>& t) {
  return t ? json::value(t->micros()) : json::value(nullptr);
}
json::value OptDur(const std::optional<Duration>& d) {
  return d ? json::value(d->micros()) : json::value(nullptr);
}
json::array Strs(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// Reads members with defaults for missing or mistyped ones.
class Reader {
 public:
  explicit Reader(const json::object& o) : o_(o) {}
  std::string Str(std::string_view k) const {
    const auto* v = o_.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  }
  int64_t Int(std::string_view k, int64_t def = 0) const {
    const auto* v = o_.if_contains(k);
    if (v && v->is_int64()) return v->get_int64();
    if (v && v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
    return def;
  }
  bool Bool(std::string_view k, bool def = false) const {
    const auto* v = o_.if_contains(k);
    return v && v->is_bool() ? v->get_bool() : def;
  }
  Timestamp Time(std::string_view k) const { return Timestamp::FromMicros(Int(k)); }
  std::optional<Timestamp> OptTime(std::string_view k) const {
    const auto* v = o_.if_contains(k);
    if (!v || v->is_null()) return std::nullopt;
    return Timestamp::FromMicros(Int(k));
  }
  std::optional<Duration> OptDuration(std::string_view k) const {
    const auto* v = o_.if_contains(k);
    if (!v || v->is_null()) return std::nullopt;
    return Duration::Micros(Int(k));
  }
  std::vector<std::string> StrList(std::string_view k) const {
    std::vector<std::string> out;
    const auto* v = o_.if_contains(k);
    if (!v || !v->is_array()) return out;
    for (const auto& e : v->get_array()) {
      if (e.is_string()) out.emplace_back(e.get_string());
    }
    return out;
  }
  const json::object* Object(std::string_view k) const {
    const auto* v = o_.if_contains(k);
    return v && v->is_object() ? &v->get_object() : nullptr;
  }
  // Each element that is an object.
  std::vector<const json::object*> Objects(std::string_view k) const {
    std::vector<const json::object*> out;
    const auto* v = o_.if_contains(k);
    if (!v || !v->is_array()) return out;
    for (const auto& e : v->get_array()) {
      if (e.is_object()) out.push_back(&e.get_object());
    }
    return out;
  }

 private:
  const json::object& o_;
};

Result<json::object> ParseObject(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Internal("stored object is not a JSON object");
  return std::move(v.get_object());
}

template <typename T, typename F>
Result<T> Decode(std::string_view text, F&& fill) {
  ASSIGN_OR_RETURN(json::object o, ParseObject(text));
  T out;
  fill(Reader(o), out);
  return out;
}

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
  json::object o{{"id", s.id},
                 {"kind", s.kind == ScheduleKind::kAssignment ? 1 : 0},
                 {"principalId", s.principal_id},
                 {"roleDefinitionId", s.role_definition_id},
                 {"scope", s.directory_scope_id},
                 {"appScope", s.app_scope_id},
                 {"memberType", s.member_type},
                 {"assignmentType", s.assignment_type},
                 {"status", s.status},
                 {"createdUsing", s.created_using},
                 {"activatedUsing", s.activated_using},
                 {"created", Ts(s.created)},
                 {"modified", Ts(s.modified)},
                 {"start", Ts(s.start)},
                 {"end", Ts(s.end)},
                 {"expirationType", static_cast<int64_t>(s.expiration_type)},
                 {"duration", OptDur(s.duration)},
                 {"removed", OptTs(s.removed)}};
  return json::serialize(o);
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
  json::object info{{"start", OptTs(q.schedule_info.start)},
                    {"type", static_cast<int64_t>(q.schedule_info.type)},
                    {"end", OptTs(q.schedule_info.end)},
                    {"duration", OptDur(q.schedule_info.duration)}};
  json::object o{{"id", q.id},
                 {"kind", q.kind == ScheduleKind::kAssignment ? 1 : 0},
                 {"action", ActionToInt(q.action)},
                 {"principalId", q.principal_id},
                 {"roleDefinitionId", q.role_definition_id},
                 {"scope", q.directory_scope_id},
                 {"appScope", q.app_scope_id},
                 {"justification", q.justification},
                 {"ticketNumber", q.ticket_number},
                 {"ticketSystem", q.ticket_system},
                 {"scheduleInfo", std::move(info)},
                 {"targetScheduleId", q.target_schedule_id},
                 {"approvalId", q.approval_id},
                 {"status", q.status},
                 {"createdBy", q.created_by},
                 {"customData", q.custom_data},
                 {"created", Ts(q.created)},
                 {"completed", OptTs(q.completed)},
                 {"cancelReason", q.cancel_reason}};
  return json::serialize(o);
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
                                        {"at", Ts(rv.at)}});
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
      for (const auto* ro : sr.Objects("reviews")) {
        Reader rr(*ro);
        st.reviews.push_back(
            {rr.Str("reviewerId"), rr.Str("result"), rr.Str("justification"), rr.Time("at")});
      }
      st.started = sr.OptTime("started");
      a.steps.push_back(std::move(st));
    }
  });
}

std::string EncodePolicyAssignment(const PolicyAssignment& a) {
  json::object o{{"id", a.id},
                 {"policyId", a.policy_id},
                 {"roleDefinitionId", a.role_definition_id},
                 {"scopeId", a.scope_id},
                 {"scopeType", a.scope_type}};
  return json::serialize(o);
}

Result<PolicyAssignment> DecodePolicyAssignment(std::string_view text) {
  return Decode<PolicyAssignment>(text, [](const Reader& r, PolicyAssignment& a) {
    a.id = r.Str("id");
    a.policy_id = r.Str("policyId");
    a.role_definition_id = r.Str("roleDefinitionId");
    a.scope_id = r.Str("scopeId");
    a.scope_type = r.Str("scopeType");
  });
}

std::string EncodeCredential(const CredentialRecord& c) {
  json::array secrets;
  for (const auto& s : c.client_secrets) {
    secrets.emplace_back(json::object{{"keyId", s.key_id},
                                      {"displayName", s.display_name},
                                      {"hint", s.hint},
                                      {"hash", s.secret_hash},
                                      {"start", Ts(s.start)},
                                      {"end", Ts(s.end)}});
  }
  json::object o{{"principalId", c.principal_id},       {"passwordHash", c.password_hash},
                 {"failedAttempts", c.failed_attempts}, {"lockedUntil", OptTs(c.locked_until)},
                 {"lastTotpStep", c.last_totp_step},    {"clientSecrets", std::move(secrets)}};
  return json::serialize(o);
}

Result<CredentialRecord> DecodeCredential(std::string_view text) {
  return Decode<CredentialRecord>(text, [](const Reader& r, CredentialRecord& c) {
    c.principal_id = r.Str("principalId");
    c.password_hash = r.Str("passwordHash");
    c.failed_attempts = static_cast<int>(r.Int("failedAttempts"));
    c.locked_until = r.OptTime("lockedUntil");
    c.last_totp_step = r.Int("lastTotpStep");
    for (const auto* so : r.Objects("clientSecrets")) {
      Reader sr(*so);
      c.client_secrets.push_back({sr.Str("keyId"), sr.Str("displayName"), sr.Str("hint"),
                                  sr.Str("hash"), sr.Time("start"), sr.Time("end")});
    }
  });
}

std::string EncodeTotp(const TotpRecord& t) {
  json::object o{{"id", t.id},
                 {"userId", t.user_id},
                 {"sealedSecret", t.sealed_secret_b64},
                 {"verified", t.verified},
                 {"created", Ts(t.created)}};
  return json::serialize(o);
}

Result<TotpRecord> DecodeTotp(std::string_view text) {
  return Decode<TotpRecord>(text, [](const Reader& r, TotpRecord& t) {
    t.id = r.Str("id");
    t.user_id = r.Str("userId");
    t.sealed_secret_b64 = r.Str("sealedSecret");
    t.verified = r.Bool("verified");
    t.created = r.Time("created");
  });
}

std::string EncodeSession(const SessionRecord& s) {
  json::object o{{"id", s.id},
                 {"principalId", s.principal_id},
                 {"accessHash", s.access_hash},
                 {"refreshHash", s.refresh_hash},
                 {"created", Ts(s.created)},
                 {"accessExpires", Ts(s.access_expires)},
                 {"refreshExpires", Ts(s.refresh_expires)},
                 {"mfaTime", OptTs(s.mfa_time)},
                 {"revoked", s.revoked},
                 {"ip", s.ip}};
  return json::serialize(o);
}

Result<SessionRecord> DecodeSession(std::string_view text) {
  return Decode<SessionRecord>(text, [](const Reader& r, SessionRecord& s) {
    s.id = r.Str("id");
    s.principal_id = r.Str("principalId");
    s.access_hash = r.Str("accessHash");
    s.refresh_hash = r.Str("refreshHash");
    s.created = r.Time("created");
    s.access_expires = r.Time("accessExpires");
    s.refresh_expires = r.Time("refreshExpires");
    s.mfa_time = r.OptTime("mfaTime");
    s.revoked = r.Bool("revoked");
    s.ip = r.Str("ip");
  });
}

std::string EncodeTimerMark(const TimerMark& m) {
  return json::serialize(json::object{{"id", m.id}, {"at", Ts(m.at)}});
}

Result<TimerMark> DecodeTimerMark(std::string_view text) {
  return Decode<TimerMark>(text, [](const Reader& r, TimerMark& m) {
    m.id = r.Str("id");
    m.at = r.Time("at");
  });
}

}  // namespace pim
