// Self-service actions: selfActivate / selfRenew (activation), selfDeactivate, selfExtend of an
// activation near its end, and eligibility selfExtend / selfRenew (PendingAdminDecision).
#include <boost/json.hpp>

#include "engine/requests_internal.h"
#include "engine/store_codec.h"

namespace pim {
namespace {

constexpr const char* kActivated = "Add member to role completed (PIM activation)";

ActivationFacts Facts(const EngineState& s, const Caller& caller, const ScheduleRequest& r,
                      std::optional<Duration> requested, bool extension) {
  ActivationFacts f;
  f.has_justification = IsGiven(r.justification);
  f.has_ticket = IsGiven(r.ticket_number);
  f.mfa_time = caller.mfa_time;
  f.now = s.clock.Now();
  f.mfa_freshness = s.options.mfa_freshness;
  f.requested_duration = requested;
  f.is_extension = extension;
  return f;
}

bool SameTriple(const Schedule& x, const ScheduleRequest& r) {
  return x.principal_id == r.principal_id && x.role_definition_id == r.role_definition_id &&
         x.directory_scope_id == r.directory_scope_id;
}

}  // namespace

Result<ScheduleRequest> HandleSelfActivate(EngineState& s, ExclusiveLock& lock,
                                           const Caller& caller, Prepared p) {
  ScheduleRequest& r = p.req;
  const bool renew = r.action == RequestAction::kSelfRenew;
  ASSIGN_OR_RETURN(Window w, ResolveWindow(r.schedule_info, p.now));
  if (renew) {
    bool expired_recently = false;
    s.schedules.ForEachOf(r.principal_id, [&](const Schedule& x) {
      expired_recently =
          expired_recently ||
          (x.kind == ScheduleKind::kAssignment && SameTriple(x, r) && !x.removed &&
           x.assignment_type == "Activated" && x.end <= p.now && p.now - x.end <= kSelfRenewWindow);
    });
    if (!expired_recently) {
      return InvalidArgument("selfRenew needs an activation that expired within the last 14 days");
    }
  }
  RETURN_IF_ERROR(
      CheckNoActivation(s, r.principal_id, r.role_definition_id, r.directory_scope_id, p.now));
  const Schedule* elig =
      FindEligibility(s, r.principal_id, r.role_definition_id, r.directory_scope_id, w.start);
  if (!elig) {
    return RefuseRequest(s, lock, caller, p,
                         "the principal is not eligible for this role at this scope");
  }
  // A renewal grants a new activation, from now, as selfActivate does: the rules of activation
  // apply to it (approval among them), not those of extending one in force.
  PolicyVerdict verdict =
      EvaluateActivation(*p.policy, Facts(s, caller, r, w.requested, /*extension=*/false));
  if (!verdict.ok()) return RefusePolicy(s, lock, caller, p, verdict);
  r.schedule_info.start = w.start;
  if (r.is_validation_only) {
    r.status = verdict.needs_approval
                   ? request_status::kPendingApproval
                   : (w.future ? request_status::kScheduleCreated : request_status::kProvisioned);
    return r;
  }
  Txn txn;
  if (verdict.needs_approval) {
    StartApproval(s, txn, caller, r, *p.policy);
  } else {
    GrantActivation(s, txn, caller, r, *elig, w, kActivated);
  }
  s.Commit(lock, std::move(txn));
  return r;
}

Result<ScheduleRequest> HandleSelfDeactivate(EngineState& s, ExclusiveLock& lock,
                                             const Caller& caller, Prepared p) {
  ScheduleRequest& r = p.req;
  std::vector<Schedule> targets;
  bool assigned_only = false;
  s.schedules.ForEachCurrentOf(r.principal_id, [&](const Schedule& x) {
    if (x.kind != r.kind || !SameTriple(x, r) || x.removed || x.end <= p.now) return;
    if (!r.target_schedule_id.empty() && x.id != r.target_schedule_id) return;
    if (x.kind == ScheduleKind::kAssignment && x.assignment_type != "Activated") {
      assigned_only = true;
      return;
    }
    targets.push_back(x);
  });
  if (targets.empty()) {
    if (assigned_only) {
      return InvalidArgument("an assignment made by an administrator cannot be self-deactivated");
    }
    return NotFound(
        "no active " +
        std::string(r.kind == ScheduleKind::kAssignment ? "activation" : "eligibility") +
        " of this role at this scope to deactivate");
  }
  r.status = request_status::kRevoked;
  r.target_schedule_id = targets.front().id;
  if (r.is_validation_only) return r;
  r.completed = p.now;
  Txn txn;
  const char* activity = r.kind == ScheduleKind::kAssignment
                             ? "Remove member from role completed (PIM deactivation)"
                             : "Remove eligible member from role completed (self)";
  AuditEvent e = s.Event(caller, "RoleManagement", activity, "Unassign");
  e.correlation_id = r.id;
  e.targets.push_back(s.PrincipalTarget(r.principal_id));
  e.targets.push_back(s.RoleTarget(r.role_definition_id));
  AddRequestDetails(e, r, &targets.front());
  for (auto& x : targets) RevokeSchedule(s, txn, x, e);
  s.PutRequest(txn, r);
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return r;
}

const Schedule* ActivationEligibility(const EngineState& s, const Schedule& x, Timestamp at) {
  if (x.activated_using.empty()) {
    return FindEligibility(s, x.principal_id, x.role_definition_id, x.directory_scope_id, at);
  }
  const Schedule* made_with = s.schedules.Find(x.activated_using);
  if (made_with == nullptr || !made_with->ActiveAt(at)) return nullptr;
  if (made_with->principal_id != x.principal_id &&
      !s.IsMemberOf(x.principal_id, made_with->principal_id)) {
    return nullptr;
  }
  return made_with;
}

Result<Window> ExtensionWindow(const EngineState& s, const ScheduleRequest& r,
                               const Schedule& target, Timestamp now,
                               const Schedule** eligibility) {
  if (target.end.is_max()) return InvalidArgument("the activation has no end to extend");
  if (!target.ActiveAt(now)) return FailedPrecondition("the activation is no longer in force");
  ScheduleInfo info = r.schedule_info;
  info.start = target.end;
  ASSIGN_OR_RETURN(Window w, ResolveWindow(info, now));
  // The eligibility the activation was made with, not any other the holder has: the activation
  // ends with that one (RevokeSchedule, FitActivationsToEligibility), and an end granted on
  // another's strength would outlive it once that other one is removed.
  const Schedule* elig = ActivationEligibility(s, target, now);
  if (!elig) return FailedPrecondition("the eligibility for this role has ended");
  if (elig->end < w.end) w.end = elig->end;
  if (w.end <= target.end) {
    return FailedPrecondition("the eligibility ends before the activation could be extended");
  }
  *eligibility = elig;
  return w;
}

Result<ScheduleRequest> HandleSelfExtend(EngineState& s, ExclusiveLock& lock, const Caller& caller,
                                         Prepared p) {
  ScheduleRequest& r = p.req;
  const Schedule* target = nullptr;
  // The requester's own schedules and requests only: a walk over everybody's would grow with the
  // tenant's history, under the engine's exclusive lock.
  s.schedules.ForEachCurrentOf(r.principal_id, [&](const Schedule& x) {
    if (target || x.kind != ScheduleKind::kAssignment || !SameTriple(x, r)) return;
    if (x.assignment_type != "Activated" || !x.ActiveAt(p.now)) return;
    if (!r.target_schedule_id.empty() && x.id != r.target_schedule_id) return;
    target = &x;
  });
  if (!target) return NotFound("no activation of this role at this scope is in force to extend");
  if (!target->end.is_max() && target->end - p.now > kSelfExtendWindow) {
    return InvalidArgument("an activation can be extended only in its last 30 minutes");
  }
  std::string pending;
  s.requests.ForEachCurrentOf(r.principal_id, [&](const ScheduleRequest& q) {
    if (q.action == RequestAction::kSelfExtend && q.status == request_status::kPendingApproval &&
        q.target_schedule_id == target->id) {
      pending = q.id;
    }
  });
  if (!pending.empty()) {
    return Status(StatusCode::kAlreadyExists,
                  "an extension of this activation is already pending: request " + pending,
                  "PendingRoleAssignmentRequest");
  }
  const Schedule* elig = nullptr;
  auto w = ExtensionWindow(s, r, *target, p.now, &elig);
  if (!w.ok()) {
    if (w.status().code() == StatusCode::kFailedPrecondition) {
      return RefuseRequest(s, lock, caller, p, w.status().message());
    }
    return w.status();
  }
  PolicyVerdict verdict = EvaluateActivation(*p.policy, Facts(s, caller, r, w->requested, true));
  if (!verdict.ok()) return RefusePolicy(s, lock, caller, p, verdict);
  r.target_schedule_id = target->id;
  if (r.is_validation_only) {
    r.status =
        verdict.needs_approval ? request_status::kPendingApproval : request_status::kProvisioned;
    return r;
  }
  Txn txn;
  if (verdict.needs_approval) {
    StartApproval(s, txn, caller, r, *p.policy);
  } else {
    ApplyExtension(s, txn, caller, r, *target, w->end,
                   "Extend member in role completed (PIM activation)");
  }
  s.Commit(lock, std::move(txn));
  return r;
}

Result<ScheduleRequest> HandleEligibilitySelfRequest(EngineState& s, ExclusiveLock& lock,
                                                     const Caller& caller, Prepared p) {
  ScheduleRequest& r = p.req;
  const bool extend = r.action == RequestAction::kSelfExtend;
  ASSIGN_OR_RETURN(Window w, ResolveWindow(r.schedule_info, p.now));
  (void)w;  // validated here; the administrator decides the new window
  const Schedule* target = nullptr;
  bool in_force = false;
  // The requester's eligibilities, ended ones included (selfRenew); not everybody's.
  s.schedules.ForEachOf(r.principal_id, [&](const Schedule& x) {
    if (x.kind != ScheduleKind::kEligibility || !SameTriple(x, r) || x.removed) return;
    if (x.ActiveAt(p.now)) in_force = true;
    bool fits =
        extend ? (x.ActiveAt(p.now) && !x.end.is_max() && x.end - p.now <= kEligibilityExtendWindow)
               : (x.end <= p.now && p.now - x.end <= kSelfRenewWindow);
    if (fits && (!target || x.end > target->end)) target = &x;
  });
  if (!target || (!extend && in_force)) {
    return InvalidArgument(extend ? "selfExtend needs an eligibility ending within 14 days"
                                  : "selfRenew needs an eligibility that expired within the "
                                    "last 14 days and none in force");
  }
  std::string pending;
  s.requests.ForEachCurrentOf(r.principal_id, [&](const ScheduleRequest& q) {
    if (q.kind == ScheduleKind::kEligibility && q.action == r.action &&
        q.status == request_status::kPendingAdminDecision && q.principal_id == r.principal_id &&
        q.role_definition_id == r.role_definition_id &&
        q.directory_scope_id == r.directory_scope_id) {
      pending = q.id;
    }
  });
  if (!pending.empty()) {
    return AlreadyExists("a request awaiting an administrator's decision exists: request " +
                         pending);
  }
  r.status = request_status::kPendingAdminDecision;
  r.target_schedule_id = target->id;
  if (r.is_validation_only) return r;
  Txn txn;
  s.PutRequest(txn, r);
  AuditEvent e = s.Event(
      caller, "RoleManagement",
      extend ? "Extend eligible member requested (PIM)" : "Renew eligible member requested (PIM)",
      "Other");
  e.correlation_id = r.id;
  e.targets.push_back(s.PrincipalTarget(r.principal_id));
  e.targets.push_back(s.RoleTarget(r.role_definition_id));
  AddRequestDetails(e, r, target);
  s.Audit(txn, caller, std::move(e));
  s.Emit(txn, "adminDecisionRequested",
         boost::json::serialize(boost::json::object{{"requestId", r.id},
                                                    {"action", RequestActionName(r.action)},
                                                    {"principalId", r.principal_id},
                                                    {"roleDefinitionId", r.role_definition_id}}));
  s.Commit(lock, std::move(txn));
  return r;
}

}  // namespace pim
