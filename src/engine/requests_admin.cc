// Administrators' actions on both request kinds: adminAssign, adminRenew (new schedule),
// adminUpdate, adminExtend (change a schedule in force or scheduled), adminRemove. They need an
// active Privileged Role Administrator or Global Administrator at a scope covering the request's,
// and pass the Admin_Eligibility / Admin_Assignment rules of the effective policy (break-glass
// accounts are exempt from the MFA rule only; their every action is audited as such).
//
// Windows: adminAssign/adminRenew take scheduleInfo as given (start defaults to now). For
// adminUpdate/adminExtend a schedule that has started keeps its start; a duration counts from
// now; the policy judges the span from max(start, now) to the new end. adminExtend must move the
// end later. An activation they change (targetScheduleId naming it) stays within the window of
// the eligibility it was made with.
#include <boost/json.hpp>

#include "engine/requests_internal.h"
#include "engine/store_codec.h"

namespace pim {
namespace {

constexpr const char* kBreakGlassAnchor =
    "a break-glass account's permanent Global Administrator and Privileged Role Administrator "
    "assignments cannot be removed or changed; to retire the account, another Global "
    "Administrator disables it or resets its password";

bool SameTriple(const Schedule& x, const ScheduleRequest& r) {
  return x.kind == r.kind && x.principal_id == r.principal_id &&
         x.role_definition_id == r.role_definition_id &&
         x.directory_scope_id == r.directory_scope_id;
}

// OK, or the committed policy refusal.
Status CheckAdminPolicy(EngineState& s, ExclusiveLock& lock, const Caller& caller,
                        const Prepared& p, std::optional<Duration> requested) {
  AdminAssignmentFacts f;
  f.kind = p.req.kind;
  f.has_justification = IsGiven(p.req.justification);
  f.has_ticket = IsGiven(p.req.ticket_number);
  f.mfa_time = caller.mfa_time;
  f.now = p.now;
  f.mfa_freshness = s.options.mfa_freshness;
  f.requested_duration = requested;
  PolicyVerdict v = EvaluateAdminAssignment(*p.policy, f);
  if (v.mfa_missing && s.IsBreakGlass(caller.principal_id)) {
    std::erase(v.failed_rules, std::string("MfaRule"));
    v.mfa_missing = false;
  }
  if (v.ok()) return Status::Ok();
  return RefusePolicy(s, lock, caller, p, v);
}

// OK when activation `x` moved to [start, end) still lies within the eligibility it was made with
// (ActivationEligibility), as GrantActivation and selfExtend keep it; otherwise the committed
// refusal: a failed ExpirationRule naming the eligibility's window (innerError
// eligibilityScheduleId, eligibilityStartDateTime, eligibilityEndDateTime).
Status CheckWithinEligibility(EngineState& s, ExclusiveLock& lock, const Caller& caller,
                              const Prepared& p, const Schedule& x, Timestamp start,
                              Timestamp end) {
  const Schedule* elig = ActivationEligibility(s, x, std::max(x.start, p.now));
  boost::json::object details{{"failedRules", boost::json::array{"ExpirationRule"}}};
  std::string why;
  if (elig == nullptr) {
    why = "the eligibility the activation was made with has ended";
  } else {
    details["eligibilityScheduleId"] = elig->id;
    details["eligibilityStartDateTime"] = FormatTimestamp(elig->start);
    details["eligibilityEndDateTime"] = elig->end.is_max() ? "" : FormatTimestamp(elig->end);
    if (end > elig->end) {
      why = "an activation cannot end after the eligibility it was made with (" + elig->id +
            "), which ends at " + FormatTimestamp(elig->end);
    } else if (start < elig->start) {
      why = "an activation cannot start before the eligibility it was made with (" + elig->id +
            "), which starts at " + FormatTimestamp(elig->start);
    } else {
      return Status::Ok();
    }
  }
  Status refusal(StatusCode::kInvalidArgument,
                 "The request failed the policy rules: ExpirationRule. ExpirationRule: " + why +
                     "; to give the role beyond it, adminAssign an active assignment",
                 "RoleAssignmentRequestPolicyValidationFailed", boost::json::serialize(details));
  return RefusePolicy(s, lock, caller, p, std::move(refusal), {"ExpirationRule"});
}

// Marks the eligibility requests awaiting an administrator (selfExtend/selfRenew of the same
// principal, role and scope) as fulfilled by request `r`.
void ResolveAdminDecisions(EngineState& s, Txn& txn, const ScheduleRequest& r,
                           RequestAction resolved, const std::string& schedule_id) {
  std::vector<ScheduleRequest> done;
  s.requests.ForEachCurrentOf(r.principal_id, [&](const ScheduleRequest& q) {
    if (q.kind == r.kind && q.action == resolved &&
        q.status == request_status::kPendingAdminDecision && q.principal_id == r.principal_id &&
        q.role_definition_id == r.role_definition_id &&
        q.directory_scope_id == r.directory_scope_id) {
      done.push_back(q);
    }
  });
  for (auto& q : done) {
    q.status = request_status::kProvisioned;
    q.completed = s.clock.Now();
    q.target_schedule_id = schedule_id;
    s.PutRequest(txn, q);
  }
}

AuditEvent AdminEvent(EngineState& s, const Caller& caller, const ScheduleRequest& r,
                      const Schedule& x, const char* op) {
  AuditEvent e =
      s.Event(caller, "RoleManagement", AdminActivity(r.action, r.kind, x.end.is_max()), op);
  e.correlation_id = r.id;
  e.targets.push_back(s.PrincipalTarget(r.principal_id));
  e.targets.push_back(s.RoleTarget(r.role_definition_id));
  AddRequestDetails(e, r, &x);
  return e;
}

std::string SchedulePayload(const Schedule& x, const ScheduleRequest& r) {
  return boost::json::serialize(boost::json::object{
      {"scheduleId", x.id},
      {"requestId", r.id},
      {"kind", x.kind == ScheduleKind::kAssignment ? "assignment" : "eligibility"},
      {"principalId", x.principal_id},
      {"roleDefinitionId", x.role_definition_id},
      {"directoryScopeId", x.directory_scope_id},
      {"startDateTime", FormatTimestamp(x.start)},
      {"endDateTime", x.end.is_max() ? "" : FormatTimestamp(x.end)}});
}

Result<ScheduleRequest> AdminCreate(EngineState& s, ExclusiveLock& lock, const Caller& caller,
                                    Prepared p) {
  ScheduleRequest& r = p.req;
  const bool renew = r.action == RequestAction::kAdminRenew;
  ASSIGN_OR_RETURN(Window w, ResolveWindow(r.schedule_info, p.now));
  std::string existing;
  bool expired = false;
  s.schedules.ForEachOf(r.principal_id, [&](const Schedule& x) {
    if (!SameTriple(x, r) || x.removed) return;
    if (x.end <= p.now) {
      expired = true;
    } else if (x.kind == ScheduleKind::kEligibility || x.assignment_type == "Assigned") {
      existing = x.id;
    }
  });
  if (!existing.empty()) {
    return Status(StatusCode::kAlreadyExists,
                  "the principal already has this role at this scope: schedule " + existing,
                  "RoleAssignmentExists");
  }
  if (renew && !expired) {
    return InvalidArgument(
        "adminRenew needs an expired schedule for this principal, role and "
        "scope; use adminAssign");
  }
  RETURN_IF_ERROR(CheckAdminPolicy(s, lock, caller, p, w.requested));
  r.schedule_info.start = w.start;
  r.status = w.future ? request_status::kScheduleCreated : request_status::kProvisioned;
  if (r.is_validation_only) return r;
  Schedule x;
  x.id = s.ids.NewId();
  x.kind = r.kind;
  x.principal_id = r.principal_id;
  x.role_definition_id = r.role_definition_id;
  x.directory_scope_id = r.directory_scope_id;
  x.assignment_type = r.kind == ScheduleKind::kAssignment ? "Assigned" : "";
  x.status = request_status::kProvisioned;
  x.created_using = r.id;
  x.created = x.modified = p.now;
  x.start = w.start;
  x.end = w.end;
  x.expiration_type = w.type;
  x.duration = w.duration;
  Txn txn;
  s.PutSchedule(txn, x);
  r.target_schedule_id = x.id;
  r.completed = p.now;
  s.PutRequest(txn, r);
  ResolveAdminDecisions(s, txn, r, RequestAction::kSelfRenew, x.id);
  s.Audit(txn, caller, AdminEvent(s, caller, r, x, "Assign"));
  s.Emit(txn, r.kind == ScheduleKind::kAssignment ? "roleAssigned" : "eligibilityAssigned",
         SchedulePayload(x, r));
  s.Commit(lock, std::move(txn));
  return r;
}

Result<ScheduleRequest> AdminChange(EngineState& s, ExclusiveLock& lock, const Caller& caller,
                                    Prepared p) {
  ScheduleRequest& r = p.req;
  const bool extend = r.action == RequestAction::kAdminExtend;
  const Schedule* target = nullptr;
  s.schedules.ForEachCurrentOf(r.principal_id, [&](const Schedule& x) {
    if (target || !SameTriple(x, r) || x.removed || x.end <= p.now) return;
    if (!r.target_schedule_id.empty() && x.id != r.target_schedule_id) return;
    if (r.target_schedule_id.empty() && x.kind == ScheduleKind::kAssignment &&
        x.assignment_type != "Assigned") {
      return;
    }
    target = &x;
  });
  if (!target) return NotFound("no schedule in force for this principal, role and scope");
  if (s.IsBreakGlassAnchor(*target)) return InvalidArgument(kBreakGlassAnchor);
  ScheduleInfo info = r.schedule_info;
  if (target->start <= p.now) info.start.reset();
  ASSIGN_OR_RETURN(Window w, ResolveWindow(info, p.now));
  const Timestamp new_start = target->start <= p.now ? target->start : w.start;
  if (extend) {
    if (target->end.is_max()) return InvalidArgument("the schedule has no end to extend");
    if (w.end <= target->end) return InvalidArgument("adminExtend must move the end later");
  }
  // An activation never outlasts the eligibility it was made with, an administrator's change
  // included: a role beyond it is an Assigned one (adminAssign, under the Admin_Assignment rules).
  if (target->kind == ScheduleKind::kAssignment && target->assignment_type == "Activated") {
    RETURN_IF_ERROR(CheckWithinEligibility(s, lock, caller, p, *target, new_start, w.end));
  }
  std::optional<Duration> requested;
  if (!w.end.is_max()) requested = w.end - std::max(new_start, p.now);
  RETURN_IF_ERROR(CheckAdminPolicy(s, lock, caller, p, requested));
  r.schedule_info.start = new_start;
  r.status = request_status::kProvisioned;
  r.target_schedule_id = target->id;
  if (r.is_validation_only) return r;
  Schedule x = *target;
  std::string old_start = FormatTimestamp(x.start);
  std::string old_end = x.end.is_max() ? "noExpiration" : FormatTimestamp(x.end);
  const Timestamp previous_end = x.end;
  x.start = new_start;
  x.end = w.end;
  x.expiration_type = w.type;
  x.duration = w.duration;
  x.modified = p.now;
  Txn txn;
  s.PutSchedule(txn, x);
  r.completed = p.now;
  s.PutRequest(txn, r);
  // Only an end moved later answers the holder's request to extend the schedule.
  if (x.end > previous_end) ResolveAdminDecisions(s, txn, r, RequestAction::kSelfExtend, x.id);
  AuditEvent e = AdminEvent(s, caller, r, x, "Update");
  e.targets.back().modified.emplace_back("startDateTime", old_start, FormatTimestamp(x.start));
  e.targets.back().modified.emplace_back("endDateTime", old_end,
                                         x.end.is_max() ? "noExpiration" : FormatTimestamp(x.end));
  // An activation never outlasts the eligibility it was made with.
  if (x.kind == ScheduleKind::kEligibility) FitActivationsToEligibility(s, txn, x, e);
  s.Audit(txn, caller, std::move(e));
  s.Emit(txn, "scheduleUpdated", SchedulePayload(x, r));
  s.Commit(lock, std::move(txn));
  return r;
}

Result<ScheduleRequest> AdminRemove(EngineState& s, ExclusiveLock& lock, const Caller& caller,
                                    Prepared p) {
  ScheduleRequest& r = p.req;
  std::vector<Schedule> targets;
  s.schedules.ForEachCurrentOf(r.principal_id, [&](const Schedule& x) {
    if (!SameTriple(x, r) || x.removed || x.end <= p.now) return;
    if (!r.target_schedule_id.empty() && x.id != r.target_schedule_id) return;
    targets.push_back(x);
  });
  if (targets.empty()) return NotFound("no schedule in force for this principal, role and scope");
  for (const Schedule& x : targets) {
    if (s.IsBreakGlassAnchor(x)) return InvalidArgument(kBreakGlassAnchor);
  }
  r.status = request_status::kRevoked;
  r.target_schedule_id = targets.front().id;
  if (r.is_validation_only) return r;
  r.completed = p.now;
  Txn txn;
  AuditEvent e = AdminEvent(s, caller, r, targets.front(), "Unassign");
  for (auto& x : targets) RevokeSchedule(s, txn, x, e);
  s.PutRequest(txn, r);
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return r;
}

}  // namespace

Result<ScheduleRequest> HandleAdminRequest(EngineState& s, ExclusiveLock& lock,
                                           const Caller& caller, Prepared p) {
  if (!s.IsRoleAdmin(caller, p.req.directory_scope_id)) {
    return RefuseRequest(s, lock, caller, p,
                         "managing role eligibility and assignments needs an active Privileged "
                         "Role Administrator or Global Administrator role");
  }
  // Four eyes: no administrator grants, lengthens, renews or changes a role of their own,
  // directly or through a group they belong to; another administrator must. Break-glass
  // accounts are outside the workflow (every use of them is audited). Removing is allowed.
  if (p.req.action != RequestAction::kAdminRemove && s.GrantsToSelf(caller, p.req.principal_id)) {
    return RefuseRequest(s, lock, caller, p,
                         "an administrator cannot assign, update, extend or renew a role for "
                         "themselves or for a group they belong to; another administrator must");
  }
  switch (p.req.action) {
    case RequestAction::kAdminAssign:
    case RequestAction::kAdminRenew:
      return AdminCreate(s, lock, caller, std::move(p));
    case RequestAction::kAdminUpdate:
    case RequestAction::kAdminExtend:
      return AdminChange(s, lock, caller, std::move(p));
    case RequestAction::kAdminRemove:
      return AdminRemove(s, lock, caller, std::move(p));
    default:
      return InvalidArgument("unsupported action");
  }
}

}  // namespace pim
