// SubmitRequest: validation common to every action, dispatch to the action handlers, and the
// grant/revoke building blocks they share (see requests_internal.h for the status model).
#include <algorithm>
#include <boost/json.hpp>

#include "core/json_writer.h"
#include "core/scope.h"
#include "engine/pim_service.h"
#include "engine/requests_internal.h"
#include "engine/store_codec.h"

namespace pim {
namespace {

std::string Payload(const Schedule& x, const char* extra_key = nullptr,
                    const std::string& extra_value = {}) {
  std::string out;
  out.reserve(384);
  JsonWriter w(out);
  w.BeginObject()
      .Member("scheduleId", x.id)
      .Member("kind", x.kind == ScheduleKind::kAssignment ? "assignment" : "eligibility")
      .Member("principalId", x.principal_id)
      .Member("roleDefinitionId", x.role_definition_id)
      .Member("directoryScopeId", x.directory_scope_id)
      .Member("startDateTime", FormatTimestamp(x.start))
      .Member("endDateTime", x.end.is_max() ? std::string() : FormatTimestamp(x.end));
  if (extra_key) w.Member(extra_key, extra_value);
  w.EndObject();
  return out;
}

bool IsSelfAction(RequestAction a) {
  return a == RequestAction::kSelfActivate || a == RequestAction::kSelfDeactivate ||
         a == RequestAction::kSelfExtend || a == RequestAction::kSelfRenew;
}

}  // namespace

Result<Prepared> PrepareRequest(EngineState& s, const Caller& caller,
                                const ScheduleRequestInput& in) {
  Prepared p;
  p.now = s.clock.Now();
  std::string principal_id = ToLower(in.principal_id);
  std::string role_id = ToLower(in.role_definition_id);
  if (!IsGuid(principal_id)) return InvalidArgument("principalId must be a GUID");
  if (!IsGuid(role_id)) return InvalidArgument("roleDefinitionId must be a GUID");
  const Principal* principal = s.LivePrincipal(principal_id);
  if (!principal) return NotFound("principal '" + in.principal_id + "' not found");
  const RoleDefinition* role = s.roles.Find(role_id);
  if (!role) return NotFound("roleDefinition '" + in.role_definition_id + "' not found");
  if (!role->is_enabled) return InvalidArgument("roleDefinition '" + role_id + "' is disabled");
  if (principal->kind == PrincipalKind::kGroup && !principal->is_assignable_to_role) {
    return InvalidArgument("only role-assignable groups can hold roles");
  }
  if (in.directory_scope_id.empty()) return InvalidArgument("directoryScopeId is required");
  ASSIGN_OR_RETURN(std::string scope, NormalizeScope(in.directory_scope_id));
  RETURN_IF_ERROR(CheckJustificationLength(in.justification));
  if (!in.target_schedule_id.empty() && !IsGuid(in.target_schedule_id)) {
    return InvalidArgument("targetScheduleId must be a GUID");
  }
  p.policy = FindEffectivePolicy(s, role_id, scope);
  if (!p.policy) return Internal("no role management policy is configured");
  ScheduleRequest& r = p.req;
  r.id = s.ids.NewId();
  r.kind = in.kind;
  r.action = in.action;
  r.principal_id = principal_id;
  r.role_definition_id = role_id;
  r.directory_scope_id = scope;
  r.justification = in.justification;
  r.ticket_number = in.ticket_number;
  r.ticket_system = in.ticket_system;
  r.schedule_info = in.schedule_info;
  r.is_validation_only = in.is_validation_only;
  r.target_schedule_id = ToLower(in.target_schedule_id);
  r.created_by = caller.principal_id;
  r.custom_data = in.custom_data;
  r.created = p.now;
  return p;
}

Result<ScheduleRequest> PimService::SubmitRequest(const Caller& caller,
                                                  const ScheduleRequestInput& in) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  ASSIGN_OR_RETURN(Prepared p, PrepareRequest(s, caller, in));
  if (IsSelfAction(in.action) && p.req.principal_id != caller.principal_id) {
    return RefuseRequest(s, lock, caller, p,
                         std::string(RequestActionName(in.action)) +
                             " applies only to the caller's own roles (principalId must be the "
                             "caller)");
  }
  const bool assignment = in.kind == ScheduleKind::kAssignment;
  switch (in.action) {
    case RequestAction::kSelfActivate:
      if (!assignment) {
        return InvalidArgument("selfActivate is a roleAssignmentScheduleRequests action");
      }
      return HandleSelfActivate(s, lock, caller, std::move(p));
    case RequestAction::kSelfRenew:
      if (!assignment) return HandleEligibilitySelfRequest(s, lock, caller, std::move(p));
      return HandleSelfActivate(s, lock, caller, std::move(p));
    case RequestAction::kSelfExtend:
      if (!assignment) return HandleEligibilitySelfRequest(s, lock, caller, std::move(p));
      return HandleSelfExtend(s, lock, caller, std::move(p));
    case RequestAction::kSelfDeactivate:
      return HandleSelfDeactivate(s, lock, caller, std::move(p));
    default:
      return HandleAdminRequest(s, lock, caller, std::move(p));
  }
}

Status RefusePolicy(EngineState& s, ExclusiveLock& lock, const Caller& caller, const Prepared& p,
                    const PolicyVerdict& verdict) {
  Status st = VerdictToStatus(verdict);
  if (const Principal* who = s.principals.Find(caller.principal_id);
      verdict.mfa_missing && who != nullptr && who->kind == PrincipalKind::kServicePrincipal) {
    st = Status(st.code(),
                st.message() +
                    ". MfaRule: a service principal cannot prove MFA (it has no one-time codes); "
                    "give it this role as an active assignment, or turn MultiFactorAuthentication "
                    "off in the policy for this role",
                st.error_code(), st.details_json());
  }
  return RefusePolicy(s, lock, caller, p, std::move(st), verdict.failed_rules);
}

Status RefusePolicy(EngineState& s, ExclusiveLock& lock, const Caller& caller, const Prepared& p,
                    Status st, const std::vector<std::string>& failed_rules) {
  if (p.req.is_validation_only) return st;
  std::string activity =
      std::string("Request refused by policy (") + RequestActionName(p.req.action) + ")";
  AuditEvent e = s.Event(caller, "RoleManagement", activity.c_str(), "Other");
  e.result = "failure";
  e.result_reason = st.message();
  e.correlation_id = p.req.id;
  e.targets.push_back(s.PrincipalTarget(p.req.principal_id));
  e.targets.push_back(s.RoleTarget(p.req.role_definition_id));
  AddRequestDetails(e, p.req, nullptr);
  e.details.emplace_back("failedRules", Joined(failed_rules));
  Txn txn;
  s.Audit(txn, caller, std::move(e));
  return s.CommitRefusal(lock, std::move(txn), st);
}

Status RefuseRequest(EngineState& s, ExclusiveLock& lock, const Caller& caller, const Prepared& p,
                     const std::string& why) {
  if (p.req.is_validation_only) return PermissionDenied(why);
  std::string activity =
      std::string("Request refused: not permitted (") + RequestActionName(p.req.action) + ")";
  AuditEvent e = s.Event(caller, "RoleManagement", activity.c_str(), "Other");
  e.correlation_id = p.req.id;
  e.targets.push_back(s.PrincipalTarget(p.req.principal_id));
  e.targets.push_back(s.RoleTarget(p.req.role_definition_id));
  AddRequestDetails(e, p.req, nullptr);
  return s.RefuseForbidden(lock, caller, std::move(e), why);
}

const Schedule* FindEligibility(const EngineState& s, const std::string& principal,
                                const std::string& role, const std::string& scope, Timestamp at) {
  const Schedule* best = nullptr;
  bool best_direct = false;
  auto consider = [&](const Schedule& x) {
    if (x.kind != ScheduleKind::kEligibility || x.role_definition_id != role) return;
    if (!x.ActiveAt(at) || !ScopeCovers(x.directory_scope_id, scope)) return;
    bool direct = x.principal_id == principal;
    if (!best || (direct && !best_direct) || (direct == best_direct && x.end > best->end)) {
      best = &x;
      best_direct = direct;
    }
  };
  s.schedules.ForEachCurrentOf(principal, consider);
  for (const std::string& group : s.GroupsOf(principal))
    s.schedules.ForEachCurrentOf(group, consider);
  return best;
}

Status CheckNoActivation(const EngineState& s, const std::string& principal,
                         const std::string& role, const std::string& scope, Timestamp now,
                         const std::string& except_request) {
  std::string existing;
  const char* code = "RoleAssignmentExists";
  s.schedules.ForEachCurrentOf(principal, [&](const Schedule& x) {
    if (!existing.empty() || x.kind != ScheduleKind::kAssignment || x.removed || x.end <= now) {
      return;
    }
    if (x.principal_id == principal && x.role_definition_id == role &&
        x.directory_scope_id == scope) {
      existing = x.created_using.empty() ? x.id : x.created_using;
    }
  });
  if (existing.empty()) {
    s.requests.ForEachCurrentOf(principal, [&](const ScheduleRequest& r) {
      if (!existing.empty() || r.kind != ScheduleKind::kAssignment) return;
      if (r.id == except_request) return;
      if (r.status != request_status::kPendingApproval) return;
      if (r.action != RequestAction::kSelfActivate && r.action != RequestAction::kSelfRenew) return;
      if (r.principal_id == principal && r.role_definition_id == role &&
          r.directory_scope_id == scope) {
        existing = r.id;
        code = "PendingRoleAssignmentRequest";
      }
    });
  }
  if (existing.empty()) return Status::Ok();
  return Status(StatusCode::kAlreadyExists,
                "an active or pending activation already exists for this principal, role and "
                "scope: request " +
                    existing,
                code, boost::json::serialize(boost::json::object{{"existingRequestId", existing}}));
}

Schedule GrantActivation(EngineState& s, Txn& txn, const Caller& caller, ScheduleRequest& r,
                         const Schedule& eligibility, const Window& w, const char* activity,
                         const Details& extra) {
  const Timestamp now = s.clock.Now();
  Schedule x;
  x.id = s.ids.NewId();
  x.kind = ScheduleKind::kAssignment;
  x.principal_id = r.principal_id;
  x.role_definition_id = r.role_definition_id;
  x.directory_scope_id = r.directory_scope_id;
  x.member_type = eligibility.principal_id == r.principal_id ? "Direct" : "Group";
  x.assignment_type = "Activated";
  x.status = request_status::kProvisioned;
  x.created_using = r.id;
  x.activated_using = eligibility.id;
  x.created = x.modified = now;
  x.start = w.start;
  x.end = std::min(w.end, eligibility.end);
  x.expiration_type = x.end == w.end ? w.type : ExpirationType::kAfterDateTime;
  x.duration = w.duration;
  s.PutSchedule(txn, x);
  r.target_schedule_id = x.id;
  r.status = w.future ? request_status::kScheduleCreated : request_status::kProvisioned;
  r.completed = now;
  s.PutRequest(txn, r);
  if (r.action == RequestAction::kSelfActivate || r.action == RequestAction::kSelfRenew) {
    s.activation_count.fetch_add(1);
  }
  AuditEvent e = s.Event(caller, "RoleManagement", activity, "Add");
  e.correlation_id = r.id;
  e.targets.push_back(s.PrincipalTarget(r.principal_id));
  e.targets.push_back(s.RoleTarget(r.role_definition_id));
  AddRequestDetails(e, r, &x);
  e.details.emplace_back("eligibilityScheduleId", eligibility.id);
  for (const auto& d : extra) e.details.push_back(d);
  s.Audit(txn, caller, std::move(e));
  s.Emit(txn, "roleActivated", Payload(x, "requestId", r.id));
  return x;
}

void ApplyExtension(EngineState& s, Txn& txn, const Caller& caller, ScheduleRequest& r,
                    Schedule target, Timestamp new_end, const char* activity,
                    const Details& extra) {
  const Timestamp now = s.clock.Now();
  std::string old_end = FormatTimestamp(target.end);
  target.end = new_end;
  target.expiration_type = ExpirationType::kAfterDateTime;
  target.modified = now;
  s.PutSchedule(txn, target);
  r.target_schedule_id = target.id;
  r.status = request_status::kProvisioned;
  r.completed = now;
  s.PutRequest(txn, r);
  AuditEvent e = s.Event(caller, "RoleManagement", activity, "Update");
  e.correlation_id = r.id;
  e.targets.push_back(s.PrincipalTarget(r.principal_id));
  e.targets.push_back(s.RoleTarget(r.role_definition_id));
  AddRequestDetails(e, r, &target);
  e.details.emplace_back("previousEndDateTime", old_end);
  for (const auto& d : extra) e.details.push_back(d);
  s.Audit(txn, caller, std::move(e));
  s.Emit(txn, "roleExtended", Payload(target, "requestId", r.id));
}

void RevokeSchedule(EngineState& s, Txn& txn, Schedule x, AuditEvent& e,
                    const std::string& cancel_reason) {
  // Callers collect schedules first, then revoke them: one may already have ended with the
  // eligibility it was activated from, earlier in the same loop.
  if (const Schedule* stored = s.schedules.Find(x.id); stored != nullptr && stored->removed) return;
  const Timestamp now = s.clock.Now();
  std::vector<Schedule> derived;
  if (x.kind == ScheduleKind::kEligibility) {
    auto consider = [&](const Schedule& a) {
      if (a.activated_using == x.id && !a.removed && a.end > now) derived.push_back(a);
    };
    // Activations made through a user's eligibility are that user's; through a group's, they
    // may be any member's (past members' included).
    if (s.group_ids.count(x.principal_id)) {
      s.schedules.ForEach(consider);
    } else {
      s.schedules.ForEachCurrentOf(x.principal_id, consider);
    }
  }
  x.removed = now;
  x.status = request_status::kRevoked;
  x.modified = now;
  s.PutSchedule(txn, x);
  // The request of a schedule that had not started yet ends with it; it would otherwise say
  // ScheduleCreated for ever (the start timer skips removed schedules). Cancelling the request
  // itself then records Canceled over this.
  if (const ScheduleRequest* made = s.requests.Find(x.created_using);
      made != nullptr && made->status == request_status::kScheduleCreated) {
    ScheduleRequest copy = *made;
    copy.completed = now;
    if (cancel_reason.empty() || x.start <= now) {
      copy.status = request_status::kRevoked;
    } else {
      copy.status = request_status::kCanceled;
      copy.cancel_reason = cancel_reason;
      e.details.emplace_back("canceledRequestId", copy.id);
      s.Emit(txn, "requestCanceled", RequestCanceledPayload(copy));
    }
    s.PutRequest(txn, copy);
  }
  e.details.emplace_back("revokedScheduleId", x.id);
  s.Emit(txn, "scheduleRevoked", Payload(x));
  // A request to extend or renew it waits for nothing any more.
  CancelPendingRequestsOf(s, txn, x.principal_id, kTargetEnded, e, x.id);
  for (Schedule& a : derived) RevokeSchedule(s, txn, std::move(a), e);
}

void FitActivationsToEligibility(EngineState& s, Txn& txn, const Schedule& eligibility,
                                 AuditEvent& e) {
  const Timestamp now = s.clock.Now();
  std::vector<Schedule> outside;
  auto consider = [&](const Schedule& a) {
    if (a.activated_using != eligibility.id || a.removed || a.end <= now) return;
    if (a.start < eligibility.start || a.end > eligibility.end) outside.push_back(a);
  };
  if (s.group_ids.count(eligibility.principal_id)) {
    s.schedules.ForEach(consider);
  } else {
    s.schedules.ForEachCurrentOf(eligibility.principal_id, consider);
  }
  for (Schedule& a : outside) {
    if (a.start < eligibility.start || eligibility.end <= std::max(a.start, now)) {
      RevokeSchedule(s, txn, std::move(a), e);
      continue;
    }
    a.end = eligibility.end;
    a.expiration_type = ExpirationType::kAfterDateTime;
    a.modified = now;
    s.PutSchedule(txn, a);
    e.details.emplace_back("shortenedScheduleId", a.id);
    s.Emit(txn, "scheduleUpdated", Payload(a));
  }
}

void RevokeSchedulesOf(EngineState& s, Txn& txn, const std::string& principal, AuditEvent& e) {
  const Timestamp now = s.clock.Now();
  std::vector<Schedule> ended;
  s.schedules.ForEachCurrentOf(principal, [&](const Schedule& x) {
    if (!x.removed && x.end > now) ended.push_back(x);
  });
  for (Schedule& x : ended) RevokeSchedule(s, txn, std::move(x), e);
}

void EndJustInTimeAccessOf(EngineState& s, Txn& txn, const std::string& principal,
                           const std::string& reason, AuditEvent& e) {
  // Undecided requests first, so they say why they ended rather than that their target did.
  CancelPendingRequestsOf(s, txn, principal, reason, e);
  const Timestamp now = s.clock.Now();
  std::vector<Schedule> activations;
  s.schedules.ForEachCurrentOf(principal, [&](const Schedule& x) {
    if (x.kind == ScheduleKind::kAssignment && x.assignment_type == "Activated" && !x.removed &&
        x.end > now) {
      activations.push_back(x);
    }
  });
  for (Schedule& x : activations) RevokeSchedule(s, txn, std::move(x), e, reason);
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::string RequestCanceledPayload(const ScheduleRequest& r) {
  return boost::json::serialize(boost::json::object{{"requestId", r.id},
                                                    {"principalId", r.principal_id},
                                                    {"roleDefinitionId", r.role_definition_id},
                                                    {"reason", r.cancel_reason}});
}

void CloseApprovalOf(EngineState& s, Txn& txn, const ScheduleRequest& r, Timestamp now) {
  const Approval* a = s.approvals.Find(r.approval_id);
  if (a == nullptr) return;
  Approval copy = *a;
  for (auto& step : copy.steps) {
    if (step.status != "InProgress") continue;
    RecordEscalationIfDue(s, txn, r, *a, step, now);
    step.status = "Completed";
  }
  s.PutApproval(txn, copy);
}

void CancelPendingRequestsOf(EngineState& s, Txn& txn, const std::string& principal,
                             const std::string& reason, AuditEvent& e,
                             const std::string& target_schedule_id) {
  const Timestamp now = s.clock.Now();
  std::vector<ScheduleRequest> pending;
  s.requests.ForEachCurrentOf(principal, [&](const ScheduleRequest& r) {
    if (!target_schedule_id.empty() && r.target_schedule_id != target_schedule_id) return;
    if (r.status == request_status::kPendingApproval ||
        r.status == request_status::kPendingAdminDecision) {
      pending.push_back(r);
    }
  });
  for (ScheduleRequest& r : pending) {
    if (r.status == request_status::kPendingApproval) {
      if (TimeOutApprovalIfDue(s, txn, r.approval_id, now)) continue;
      CloseApprovalOf(s, txn, r, now);
    }
    r.status = request_status::kCanceled;
    r.completed = now;
    r.cancel_reason = reason;
    s.PutRequest(txn, r);
    e.details.emplace_back("canceledRequestId", r.id);
    s.Emit(txn, "requestCanceled", RequestCanceledPayload(r));
  }
}

const char* AdminActivity(RequestAction action, ScheduleKind kind, bool permanent) {
  const bool elig = kind == ScheduleKind::kEligibility;
  switch (action) {
    case RequestAction::kAdminAssign:
      if (elig) {
        return permanent ? "Add eligible member to role in PIM completed (permanent)"
                         : "Add eligible member to role in PIM completed (timebound)";
      }
      return permanent ? "Add member to role in PIM completed (permanent)"
                       : "Add member to role in PIM completed (timebound)";
    case RequestAction::kAdminUpdate:
      return elig ? "Update eligible member in role in PIM completed"
                  : "Update member in role in PIM completed";
    case RequestAction::kAdminExtend:
      return elig ? "Extend eligible member in role in PIM completed"
                  : "Extend member in role in PIM completed";
    case RequestAction::kAdminRenew:
      return elig ? "Renew eligible member in role in PIM completed"
                  : "Renew member in role in PIM completed";
    case RequestAction::kAdminRemove:
      return elig ? "Remove eligible member from role in PIM completed"
                  : "Remove member from role in PIM completed";
    default:
      return "Role management request completed";
  }
}

}  // namespace pim
