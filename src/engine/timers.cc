// Timers: record what time did. Decisions never wait for these (Schedule::ActiveAt(now) is
// exact); timers write the audit records and outbox events for expiries, scheduled starts and
// approval-stage timeouts and escalations, each exactly once: expiries, starts and escalations
// leave a durable TimerMark, timeouts change the request's status. Sessions are purged once their
// refresh token expires (housekeeping, not audited: sign-in, refresh and sign-out are).
#include <boost/json.hpp>

#include "engine/pim_service.h"
#include "engine/requests_internal.h"
#include "engine/store_codec.h"

namespace pim {
namespace {

std::string SchedulePayload(const Schedule& x) {
  return boost::json::serialize(boost::json::object{
      {"scheduleId", x.id},
      {"kind", x.kind == ScheduleKind::kAssignment ? "assignment" : "eligibility"},
      {"principalId", x.principal_id},
      {"roleDefinitionId", x.role_definition_id},
      {"directoryScopeId", x.directory_scope_id},
      {"startDateTime", FormatTimestamp(x.start)},
      {"endDateTime", x.end.is_max() ? "" : FormatTimestamp(x.end)}});
}

AuditEvent ScheduleEvent(const EngineState& s, const Schedule& x, const char* activity,
                         const char* op) {
  AuditEvent e = s.SystemEvent("RoleManagement", activity, op);
  e.correlation_id = x.created_using;
  e.targets.push_back(s.PrincipalTarget(x.principal_id));
  e.targets.push_back(s.RoleTarget(x.role_definition_id));
  e.details.emplace_back("scheduleId", x.id);
  e.details.emplace_back("principalId", x.principal_id);
  e.details.emplace_back("roleDefinitionId", x.role_definition_id);
  e.details.emplace_back("directoryScopeId", x.directory_scope_id);
  if (!x.assignment_type.empty()) e.details.emplace_back("assignmentType", x.assignment_type);
  if (!x.activated_using.empty()) e.details.emplace_back("activatedUsing", x.activated_using);
  if (!x.created_using.empty()) e.details.emplace_back("requestId", x.created_using);
  e.details.emplace_back("startDateTime", FormatTimestamp(x.start));
  if (!x.end.is_max()) e.details.emplace_back("endDateTime", FormatTimestamp(x.end));
  return e;
}

void ScheduleEnded(EngineState& s, Txn& txn, const std::string& key, const Schedule& x) {
  const bool assignment = x.kind == ScheduleKind::kAssignment;
  AuditEvent e = ScheduleEvent(
      s, x, assignment ? activity::kAssignmentExpired : activity::kEligibilityExpired, "Unassign");
  // A request to extend it that nobody decided in time waits for nothing any more.
  CancelPendingRequestsOf(s, txn, x.principal_id, kTargetEnded, e, x.id);
  txn.events.push_back(std::move(e));
  s.MarkTimerDone(txn, key);
  s.Emit(txn, assignment ? "roleExpired" : "eligibilityExpired", SchedulePayload(x));
  if (assignment) {
    // No longer decidable as active; drop it from the index to keep it small.
    txn.index_ops.push_back([id = x.id](DecisionIndex& ix) { ix.RemoveAssignment(id); });
  }
}

void ScheduleStarted(EngineState& s, Txn& txn, const std::string& key, const Schedule& x) {
  txn.events.push_back(ScheduleEvent(s, x, activity::kScheduledStart, "Assign"));
  s.MarkTimerDone(txn, key);
  s.Emit(txn, "scheduleStarted", SchedulePayload(x));
  if (ScheduleRequest* r = s.requests.Find(x.created_using)) {
    if (r->status == request_status::kScheduleCreated) {
      ScheduleRequest copy = *r;
      copy.status = request_status::kProvisioned;
      s.PutRequest(txn, copy);
    }
  }
}

// Timer "escalation:<approvalId>:<stepId>": records the escalation when that step still awaits
// review (no record when it completed, or its request ended, first).
void EscalateIfDue(EngineState& s, Txn& txn, const std::string& key, Timestamp now) {
  const std::string ids = key.substr(11);
  const size_t colon = ids.find(':');
  if (colon == std::string::npos) return;
  const Approval* a = s.approvals.Find(ids.substr(0, colon));
  const ScheduleRequest* r = a ? s.requests.Find(a->request_id) : nullptr;
  const ApprovalStep* st = a ? CurrentStep(*a) : nullptr;
  if (!r || !st || st->id != ids.substr(colon + 1)) return;
  if (r->status != request_status::kPendingApproval) return;
  RecordEscalationIfDue(s, txn, *r, *a, *st, now);
}

}  // namespace

bool TimeOutApprovalIfDue(EngineState& s, Txn& txn, const std::string& approval_id, Timestamp now) {
  const Approval* a = s.approvals.Find(approval_id);
  const ScheduleRequest* rp = a ? s.requests.Find(a->request_id) : nullptr;
  const ApprovalStep* st = a ? CurrentStep(*a) : nullptr;
  if (!rp || !st || rp->status != request_status::kPendingApproval) return false;
  if (std::optional<Timestamp> end = st->TimeoutAt(); !end || *end > now) return false;
  // A timer late past both instants: the stage escalated before it timed out.
  RecordEscalationIfDue(s, txn, *rp, *a, *st, now);
  Approval copy = *a;
  for (auto& step : copy.steps) {
    if (step.status == "InProgress") step.status = "Expired";
  }
  ScheduleRequest r = *rp;
  r.status = request_status::kCanceled;
  r.cancel_reason = "Approval stage timed out";
  r.completed = now;
  s.PutApproval(txn, copy);
  s.PutRequest(txn, r);
  AuditEvent e = ApprovalSystemEvent(s, "Add member to role request canceled (approval timed out)",
                                     r, copy.id);
  e.result = "timeout";
  e.result_reason = r.cancel_reason;
  e.details.emplace_back("cancelReason", r.cancel_reason);
  txn.events.push_back(std::move(e));
  s.Emit(txn, "requestCanceled", RequestCanceledPayload(r));
  return true;
}

Timestamp PimService::NextDeadline() const {
  SharedLock lock(state_->mu);
  return state_->deadlines.empty() ? Timestamp::Max() : state_->deadlines.begin()->first;
}

Status PimService::RunDueTimers() {
  State& s = *state_;
  ExclusiveLock lock(s.mu);
  if (!s.loaded) return FailedPrecondition("Load() has not run");
  const Timestamp now = s.clock.Now();
  Txn txn;
  while (!s.deadlines.empty() && s.deadlines.begin()->first <= now) {
    auto [when, key] = *s.deadlines.begin();
    s.deadlines.erase(s.deadlines.begin());
    if (s.timers_done.count(key)) continue;
    if (key.rfind("session:", 0) == 0) {
      s.PurgeSession(txn, key.substr(8), now);
      continue;
    }
    if (key.rfind("throttle:", 0) == 0) {
      s.PurgeThrottle(txn, key.substr(9), now);
      continue;
    }
    if (key.rfind("approval:", 0) == 0) {
      TimeOutApprovalIfDue(s, txn, key.substr(9), now);
      continue;
    }
    if (key.rfind("escalation:", 0) == 0) {
      EscalateIfDue(s, txn, key, now);
      continue;
    }
    const bool end = key.rfind("end:", 0) == 0;
    const Schedule* x = s.schedules.Find(key.substr(end ? 4 : 6));
    if (!x || x->removed) continue;
    if (end && x->end <= now) {
      ScheduleEnded(s, txn, key, *x);
      s.RetireIfOver(*x, now);
    }
    if (!end && x->start <= now) ScheduleStarted(s, txn, key, *x);
  }
  if (txn.objects.empty() && txn.events.empty()) return Status::Ok();
  s.Commit(lock, std::move(txn));
  return Status::Ok();
}

}  // namespace pim
