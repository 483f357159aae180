// The approval workflow (CONTRACT.md "Approvals"): serial stages, each completing after
// pimQuorum distinct approvals (one Deny denies the request); the requester never counts, even
// through a group; whoever approved one stage may not review a later one (separation of duties);
// a stage without listed approvers falls back to the active Privileged Role Administrators and
// Global Administrators; a stage that escalates (escalation.cc) admits its escalation approvers
// too from its escalation instant. When the last stage approves, the activation (or extension)
// is granted at that instant: the duration clock starts then.
#include <boost/json.hpp>

#include "core/role_catalog.h"
#include "engine/pim_service.h"
#include "engine/requests_internal.h"
#include "engine/store_codec.h"

namespace pim {
namespace {

std::string StepPayload(const ScheduleRequest& r, const Approval& a, const ApprovalStep& st) {
  boost::json::object o{{"requestId", r.id},
                        {"approvalId", a.id},
                        {"stepId", st.id},
                        {"principalId", r.principal_id},
                        {"roleDefinitionId", r.role_definition_id},
                        {"directoryScopeId", r.directory_scope_id},
                        {"approverUserIds", boost::json::value_from(st.approver_user_ids)},
                        {"approverGroupIds", boost::json::value_from(st.approver_group_ids)},
                        {"fallbackApprovers", st.fallback_approvers}};
  // When the stage ends unreviewed, and when its escalation approvers may review it too: what a
  // notification to the approvers would say.
  if (std::optional<Timestamp> timeout = st.TimeoutAt()) {
    o["timeoutDateTime"] = FormatTimestamp(*timeout);
  }
  if (std::optional<Timestamp> at = EscalationInstant(st)) {
    o["escalationDateTime"] = FormatTimestamp(*at);
  }
  return boost::json::serialize(o);
}

std::optional<std::string> NormalizeResult(const std::string& result) {
  if (EqualsIgnoreCase(result, "Approve") || EqualsIgnoreCase(result, "Approved")) {
    return "Approve";
  }
  if (EqualsIgnoreCase(result, "Deny") || EqualsIgnoreCase(result, "Denied")) return "Deny";
  return std::nullopt;
}

// Why nothing may be granted to `principal` now (its account deleted or disabled), or empty.
std::string RequesterRefusal(const EngineState& s, const std::string& principal) {
  const Principal* p = s.LivePrincipal(principal);
  if (p == nullptr) return "the requestor's account was deleted";
  if (!p->account_enabled) return "the requestor's account is disabled";
  return {};
}

// Grants what an approved request asked for; marks it Failed when that is no longer possible
// (the requester's account disabled or deleted, the eligibility or the activation ended, ...).
void FinishApproved(EngineState& s, Txn& txn, const Caller& approver, ScheduleRequest r,
                    const Details& extra) {
  const Timestamp now = s.clock.Now();
  // Disabling or deleting an account cancels its pending requests; one still pending comes from
  // a database written before disabling did.
  std::string failure = RequesterRefusal(s, r.principal_id);
  if (failure.empty() && r.action == RequestAction::kSelfExtend) {
    const Schedule* target = s.schedules.Find(r.target_schedule_id);
    const Schedule* elig = nullptr;
    Result<Window> w = target ? ExtensionWindow(s, r, *target, now, &elig)
                              : Result<Window>(FailedPrecondition("the activation is gone"));
    if (w.ok()) {
      ApplyExtension(s, txn, approver, r, *target, w->end,
                     "Extend member in role request approved (PIM activation)", extra);
      return;
    }
    failure = w.status().message();
  } else if (failure.empty()) {
    Result<Window> w = ResolveWindow(r.schedule_info, now);
    Status free =
        CheckNoActivation(s, r.principal_id, r.role_definition_id, r.directory_scope_id, now, r.id);
    const Schedule* elig = w.ok() ? FindEligibility(s, r.principal_id, r.role_definition_id,
                                                    r.directory_scope_id, w->start)
                                  : nullptr;
    if (w.ok() && free.ok() && elig) {
      GrantActivation(s, txn, approver, r, *elig, *w,
                      "Add member to role request approved (PIM activation)", extra);
      return;
    }
    failure = !w.ok() ? w.status().message()
                      : (!free.ok() ? free.message() : "the eligibility for this role has ended");
  }
  r.status = request_status::kFailed;
  r.completed = now;
  s.PutRequest(txn, r);
  AuditEvent e = s.Event(approver, "RoleManagement",
                         "Add member to role request failed (PIM activation)", "Other");
  e.result = "failure";
  e.result_reason = failure;
  e.correlation_id = r.id;
  e.targets.push_back(s.PrincipalTarget(r.principal_id));
  e.targets.push_back(s.RoleTarget(r.role_definition_id));
  AddRequestDetails(e, r, nullptr);
  for (const auto& d : extra) e.details.push_back(d);
  s.Audit(txn, approver, std::move(e));
}

}  // namespace

const ApprovalStep* CurrentStep(const Approval& a) {
  for (const auto& st : a.steps) {
    if (st.status == "InProgress") return &st;
  }
  return nullptr;
}

namespace {

// `principal` is one of `users` or a (transitive) member of one of `groups`.
bool InList(const EngineState& s, const std::string& principal,
            const std::vector<std::string>& users, const std::vector<std::string>& groups) {
  for (const auto& u : users) {
    if (EqualsIgnoreCase(u, principal)) return true;
  }
  for (const auto& g : groups) {
    if (s.IsMemberOf(principal, ToLower(g))) return true;
  }
  return false;
}

// A primary approver of `step` (requester and account checks aside): listed, or for a fallback
// stage an active GA/PRA at r's scope.
bool IsPrimaryApprover(const EngineState& s, const std::string& principal, const ScheduleRequest& r,
                       const ApprovalStep& step) {
  if (step.fallback_approvers) {
    return s.HoldsAny(principal,
                      {role_ids::kGlobalAdministrator, role_ids::kPrivilegedRoleAdministrator},
                      r.directory_scope_id, s.clock.Now());
  }
  return InList(s, principal, step.approver_user_ids, step.approver_group_ids);
}

// An escalation approver of `step` now (requester and account checks aside): the step has
// reached its escalation instant and lists `principal` among its escalation approvers. Judged by
// the clock, not by whether the escalation timer has run.
bool IsEscalationApprover(const EngineState& s, const std::string& principal,
                          const ApprovalStep& step) {
  std::optional<Timestamp> at = EscalationInstant(step);
  return at && *at <= s.clock.Now() &&
         InList(s, principal, step.escalation_user_ids, step.escalation_group_ids);
}

}  // namespace

bool IsListedApprover(const EngineState& s, const std::string& principal, const ScheduleRequest& r,
                      const ApprovalStep& step) {
  if (principal.empty() || principal == r.principal_id || principal == r.created_by) return false;
  const Principal* p = s.LivePrincipal(principal);
  if (!p || !p->account_enabled || p->kind != PrincipalKind::kUser) return false;
  return IsPrimaryApprover(s, principal, r, step) || IsEscalationApprover(s, principal, step);
}

bool ApprovedEarlierStage(const Approval& a, const ApprovalStep& step,
                          const std::string& principal) {
  for (const auto& earlier : a.steps) {
    if (earlier.id == step.id) return false;
    for (const auto& rv : earlier.reviews) {
      if (rv.reviewer_id == principal && rv.result == "Approve") return true;
    }
  }
  return false;
}

bool MayReviewNow(const EngineState& s, const std::string& principal, const ScheduleRequest& r,
                  const Approval& a, const ApprovalStep& step) {
  if (step.status != "InProgress" || r.status != request_status::kPendingApproval) return false;
  // From its timeout on the stage is over, though the timer that cancels the request may not
  // have run yet (a review then finds it expired: TimeOutApprovalIfDue).
  if (std::optional<Timestamp> end = step.TimeoutAt(); end && *end <= s.clock.Now()) return false;
  for (const auto& rv : step.reviews) {
    if (rv.reviewer_id == principal) return false;
  }
  return !ApprovedEarlierStage(a, step, principal) && IsListedApprover(s, principal, r, step);
}

// Whether an earlier approval still counts toward the stage's quorum: its approver still exists
// and is enabled and, in a stage that lists approvers or when given as an escalation approver, is
// still listed (or a member of a listed group). An approver taken out since (an account disabled
// as compromised, say) no longer vouches. A fallback approver's review counts while the account
// lives: their role activation is meant to end, as just-in-time access does.
bool StillVouches(const EngineState& s, const ApprovalReview& review, const ScheduleRequest& r,
                  const ApprovalStep& step) {
  if (!step.fallback_approvers || review.escalation) {
    return IsListedApprover(s, review.reviewer_id, r, step);
  }
  const Principal* p = s.LivePrincipal(review.reviewer_id);
  return p != nullptr && p->account_enabled;
}

void StartApproval(EngineState& s, Txn& txn, const Caller& caller, ScheduleRequest& r,
                   const Policy& policy) {
  const Timestamp now = s.clock.Now();
  Approval a;
  a.id = s.ids.NewId();
  a.request_id = r.id;
  a.steps = BuildApprovalSteps(policy);
  if (a.steps.empty()) {
    ApprovalStep st;
    st.display_name = "Stage 1";
    st.fallback_approvers = true;
    a.steps.push_back(st);
  }
  for (auto& st : a.steps) {
    if (st.id.empty()) st.id = s.ids.NewId();
    if (st.quorum < 1) st.quorum = 1;
    if (st.timeout_days < 1) st.timeout_days = 1;
  }
  a.steps[0].status = "InProgress";
  a.steps[0].started = now;
  r.approval_id = a.id;
  r.status = request_status::kPendingApproval;
  s.PutRequest(txn, r);
  s.PutApproval(txn, a);
  AuditEvent e = s.Event(caller, "RoleManagement",
                         r.action == RequestAction::kSelfExtend
                             ? "Extend member in role requested (PIM activation)"
                             : "Add member to role requested (PIM activation)",
                         "Other");
  e.correlation_id = r.id;
  e.targets.push_back(s.PrincipalTarget(r.principal_id));
  e.targets.push_back(s.RoleTarget(r.role_definition_id));
  AddRequestDetails(e, r, nullptr);
  e.details.emplace_back("approvalId", a.id);
  s.Audit(txn, caller, std::move(e));
  s.Emit(txn, "approvalRequested", StepPayload(r, a, a.steps[0]));
}

Result<Approval> PimService::GetApproval(const Caller& caller,
                                         const std::string& approval_id) const {
  const State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  SharedLock lock(s.mu);
  const Approval* a = s.approvals.Find(ToLower(approval_id));
  const ScheduleRequest* r = a ? s.requests.Find(a->request_id) : nullptr;
  if (!a || !r) return NotFound("approval '" + approval_id + "' not found");
  bool visible = caller.principal_id == r->principal_id || caller.principal_id == r->created_by ||
                 s.IsReader(caller);
  for (const auto& st : a->steps) {
    visible = visible || IsListedApprover(s, caller.principal_id, *r, st);
    for (const auto& rv : st.reviews) visible = visible || rv.reviewer_id == caller.principal_id;
  }
  if (!visible) return NotFound("approval '" + approval_id + "' not found");
  return *a;
}

bool PimService::IsAssignedApprover(const Caller& caller, const Approval& approval,
                                    const ApprovalStep& step) const {
  SharedLock lock(state_->mu);
  const ScheduleRequest* r = state_->requests.Find(approval.request_id);
  return r && MayReviewNow(*state_, caller.principal_id, *r, approval, step);
}

Status PimService::ReviewApprovalStep(const Caller& caller, const std::string& approval_id,
                                      const std::string& step_id, const std::string& result,
                                      const std::string& justification) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  std::optional<std::string> decision = NormalizeResult(result);
  if (!decision) return InvalidArgument("reviewResult must be Approve or Deny");
  RETURN_IF_ERROR(CheckJustificationLength(justification));
  ExclusiveLock lock(s.mu);
  const Timestamp now = s.clock.Now();
  const Approval* found = s.approvals.Find(ToLower(approval_id));
  const ScheduleRequest* rp = found ? s.requests.Find(found->request_id) : nullptr;
  if (!found || !rp) return NotFound("approval '" + approval_id + "' not found");
  Approval a = *found;
  ScheduleRequest r = *rp;
  size_t idx = a.steps.size();
  for (size_t i = 0; i < a.steps.size(); ++i) {
    if (EqualsIgnoreCase(a.steps[i].id, step_id)) idx = i;
  }
  if (idx == a.steps.size()) return NotFound("approval step '" + step_id + "' not found");
  ApprovalStep& step = a.steps[idx];

  AuditEvent e = s.Event(
      caller, "RoleManagement",
      *decision == "Approve" ? "Approve request (PIM activation)" : "Deny request (PIM activation)",
      "Update");
  e.correlation_id = r.id;
  e.targets.push_back(s.PrincipalTarget(r.principal_id));
  e.targets.push_back(s.RoleTarget(r.role_definition_id));
  AddRequestDetails(e, r, nullptr);
  Details review{{"approvalId", a.id},
                 {"approvalStepId", step.id},
                 {"approverId", caller.principal_id},
                 {"decision", *decision},
                 {"approverJustification", justification}};
  for (const auto& d : review) e.details.push_back(d);

  if (caller.principal_id == r.principal_id || caller.principal_id == r.created_by) {
    e.activity = "Self-approval attempt refused";
    return s.RefuseForbidden(lock, caller, std::move(e),
                             "a requester cannot review their own request");
  }
  if (Txn timeout; TimeOutApprovalIfDue(s, timeout, a.id, now)) {
    return s.CommitRefusal(lock, std::move(timeout),
                           FailedPrecondition("this approval step has timed out"));
  }
  if (r.status != request_status::kPendingApproval || step.status != "InProgress") {
    return FailedPrecondition("this approval step is not awaiting review");
  }
  for (const auto& rv : step.reviews) {
    if (rv.reviewer_id == caller.principal_id) {
      return FailedPrecondition("you have already reviewed this approval step");
    }
  }
  if (!IsListedApprover(s, caller.principal_id, r, step)) {
    return s.RefuseForbidden(lock, caller, std::move(e),
                             "you are not an approver of this approval step");
  }
  if (ApprovedEarlierStage(a, step, caller.principal_id)) {
    e.activity = "Review of a later stage by an earlier stage's approver refused";
    return s.RefuseForbidden(lock, caller, std::move(e),
                             "you approved an earlier stage of this request; another approver "
                             "must review this stage (separation of duties)");
  }
  if (step.approver_justification_required && !IsGiven(justification)) {
    return InvalidArgument("a justification is required to review this step");
  }
  step.reviews.push_back({caller.principal_id, *decision, justification, now,
                          !IsPrimaryApprover(s, caller.principal_id, r, step)});
  step.reviewed_by = caller.principal_id;
  step.reviewed = now;
  step.justification = justification;
  Txn txn;
  // The timer may be late: the escalation that let this review happen is recorded before it.
  RecordEscalationIfDue(s, txn, r, a, step, now);
  if (*decision == "Deny") {
    step.review_result = "Deny";
    step.status = "Completed";
    r.status = request_status::kDenied;
    r.completed = now;
    s.PutApproval(txn, a);
    s.PutRequest(txn, r);
    e.activity = "Add member to role request denied (PIM activation)";
    s.Audit(txn, caller, std::move(e));
    s.Emit(txn, "requestDenied", StepPayload(r, a, step));
    s.Commit(lock, std::move(txn));
    return Status::Ok();
  }
  int approvals = 0;
  for (const auto& rv : step.reviews) {
    // An earlier stage's approver never counts (a review stored before that was refused).
    if (rv.result != "Approve" || ApprovedEarlierStage(a, step, rv.reviewer_id)) continue;
    approvals += StillVouches(s, rv, r, step) ? 1 : 0;
  }
  if (approvals < step.quorum) {
    e.details.emplace_back("approvalsSoFar", std::to_string(approvals));
    s.PutApproval(txn, a);
    s.Audit(txn, caller, std::move(e));
    s.Commit(lock, std::move(txn));
    return Status::Ok();
  }
  step.review_result = "Approve";
  step.status = "Completed";
  s.Audit(txn, caller, std::move(e));
  if (idx + 1 < a.steps.size()) {
    ApprovalStep& next = a.steps[idx + 1];
    next.status = "InProgress";
    next.started = now;
    s.PutApproval(txn, a);
    s.Emit(txn, "approvalRequested", StepPayload(r, a, next));
    s.Commit(lock, std::move(txn));
    return Status::Ok();
  }
  s.PutApproval(txn, a);
  FinishApproved(s, txn, caller, r, review);
  s.Commit(lock, std::move(txn));
  return Status::Ok();
}

}  // namespace pim
