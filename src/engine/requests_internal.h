// Private to the request handlers (requests*.cc, approvals.cc, timers.cc, queries.cc).
//
// Statuses follow Graph: an immediate grant answers "Provisioned"; a grant whose start is in the
// future answers "ScheduleCreated" and becomes "Provisioned" when the timer sees it start; a
// request needing approval answers "PendingApproval" and, once the last stage approves, is
// "Granted" and immediately "Provisioned" (only the final status is stored); a deny gives
// "Denied"; a cancel or an approval-stage timeout gives "Canceled" (with cancel_reason); removals
// and deactivations answer "Revoked"; an approved request that can no longer be applied (its
// eligibility or target schedule ended meanwhile) ends "Failed". Eligibility selfExtend and
// selfRenew record a "PendingAdminDecision" request for an administrator (adminExtend/adminRenew
// for the same principal, role and scope resolves it; cancel withdraws it).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine_state.h"
#include "engine/validation.h"

namespace pim {

// How near the end an activation may be self-extended, and how long after expiry a schedule may
// be self-renewed; how near its end an eligibility may be self-extended.
inline constexpr Duration kSelfExtendWindow = Duration::Minutes(30);
// The longest justification a requester or an approver may give (characters, as bytes).
inline constexpr size_t kMaxJustification = 1000;
inline Status CheckJustificationLength(const std::string& justification) {
  if (justification.size() <= kMaxJustification) return Status::Ok();
  return InvalidArgument("justification must be at most " + std::to_string(kMaxJustification) +
                         " characters");
}
inline constexpr Duration kSelfRenewWindow = Duration::Days(14);
inline constexpr Duration kEligibilityExtendWindow = Duration::Days(14);

// A validated request about to be handled.
struct Prepared {
  ScheduleRequest req;  // id assigned, canonical ids and scope, created/created_by set
  const Policy* policy = nullptr;
  Timestamp now;
};

// Checks ids (GUID, existing: NotFound otherwise), scope, and fills the request skeleton.
Result<Prepared> PrepareRequest(EngineState& s, const Caller& caller,
                                const ScheduleRequestInput& in);

// Action handlers; each holds `lock` on entry, commits (refusals too) and returns the request.
Result<ScheduleRequest> HandleSelfActivate(EngineState& s, ExclusiveLock& lock,
                                           const Caller& caller, Prepared p);
Result<ScheduleRequest> HandleSelfDeactivate(EngineState& s, ExclusiveLock& lock,
                                             const Caller& caller, Prepared p);
Result<ScheduleRequest> HandleSelfExtend(EngineState& s, ExclusiveLock& lock, const Caller& caller,
                                         Prepared p);
Result<ScheduleRequest> HandleEligibilitySelfRequest(EngineState& s, ExclusiveLock& lock,
                                                     const Caller& caller, Prepared p);
Result<ScheduleRequest> HandleAdminRequest(EngineState& s, ExclusiveLock& lock,
                                           const Caller& caller, Prepared p);

// A record about request `r`'s approval `approval_id` that no user initiated (a stage timing out
// or escalating): the requester and role as targets, the request's details, the approval's id.
AuditEvent ApprovalSystemEvent(const EngineState& s, const char* activity, const ScheduleRequest& r,
                               const std::string& approval_id);

// Audits a policy refusal (unless validation-only), commits it and returns the refusal.
Status RefusePolicy(EngineState& s, ExclusiveLock& lock, const Caller& caller, const Prepared& p,
                    const PolicyVerdict& verdict);
// RefusePolicy for a refusal built elsewhere (`refusal`, InvalidArgument), naming `failed_rules`
// in the audit record.
Status RefusePolicy(EngineState& s, ExclusiveLock& lock, const Caller& caller, const Prepared& p,
                    Status refusal, const std::vector<std::string>& failed_rules);
// Audits a forbidden action (unless validation-only) and returns PermissionDenied.
Status RefuseRequest(EngineState& s, ExclusiveLock& lock, const Caller& caller, const Prepared& p,
                     const std::string& why);

// The eligibility that lets `principal` activate (role, scope) at `at`: in force, at a covering
// scope, held directly or through a group (direct preferred, then the latest end).
const Schedule* FindEligibility(const EngineState& s, const std::string& principal,
                                const std::string& role, const std::string& scope, Timestamp at);
// An activation (or assigned role) in force or scheduled, or a pending activation request other
// than `except_request`, for (principal, role, scope): AlreadyExists naming it; OK when none.
Status CheckNoActivation(const EngineState& s, const std::string& principal,
                         const std::string& role, const std::string& scope, Timestamp now,
                         const std::string& except_request = {});

// Creates the activated assignment for `r` over `w` (capped at the eligibility's end), sets r's
// target schedule and status, audits and emits "roleActivated".
using Details = std::vector<std::pair<std::string, std::string>>;
Schedule GrantActivation(EngineState& s, Txn& txn, const Caller& caller, ScheduleRequest& r,
                         const Schedule& eligibility, const Window& w, const char* activity,
                         const Details& extra = {});
// Moves the end of activation `target` to `new_end`, audits and emits "roleExtended".
void ApplyExtension(EngineState& s, Txn& txn, const Caller& caller, ScheduleRequest& r,
                    Schedule target, Timestamp new_end, const char* activity,
                    const Details& extra = {});
// Creates the approval for `r` (status PendingApproval), starts stage 1, audits the request.
void StartApproval(EngineState& s, Txn& txn, const Caller& caller, ScheduleRequest& r,
                   const Policy& policy);
// Ends schedule `x` now (removed, status Revoked); for an eligibility, also the activations
// made with it. The request that made `x`, when still ScheduleCreated, ends with it: Revoked, or,
// given a `cancel_reason` and `x` not yet started, Canceled with that reason (named in `e`, with
// a "requestCanceled" event), as cancelling it would.
void RevokeSchedule(EngineState& s, Txn& txn, Schedule x, AuditEvent& e,
                    const std::string& cancel_reason = {});
// After `eligibility` was changed (adminUpdate, adminExtend), makes the activations made with it
// fit in its new window, as GrantActivation made them fit in the old one: one that now outlasts
// it ends with it (named in `e` as "shortenedScheduleId", "scheduleUpdated" emitted); one that
// now starts before it, or would end before it starts, is revoked (RevokeSchedule).
void FitActivationsToEligibility(EngineState& s, Txn& txn, const Schedule& eligibility,
                                 AuditEvent& e);
// RevokeSchedule of every schedule of `principal` not yet ended or removed (it is being deleted).
void RevokeSchedulesOf(EngineState& s, Txn& txn, const std::string& principal, AuditEvent& e);

// The eligibility activation `x` was made with (activatedUsing) when it is in force at `at` and
// x's principal still holds it (directly, or as a member of the group holding it); for an
// activation that names none, the eligibility FindEligibility finds at `at`. nullptr otherwise.
const Schedule* ActivationEligibility(const EngineState& s, const Schedule& x, Timestamp at);

// The new end of selfExtend request `r` on activation `target` at `now` (scheduleInfo's duration
// is added to the current end; an endDateTime must lie after it), capped at the end of the
// eligibility the activation was made with (returned through `eligibility`), which must still be
// in force. InvalidArgument / FailedPrecondition.
Result<Window> ExtensionWindow(const EngineState& s, const ScheduleRequest& r,
                               const Schedule& target, Timestamp now, const Schedule** eligibility);

// True when `principal` is listed for `step` of the approval of `r` (a singleUser, a transitive
// member of a listed group, or for fallback stages an active GA/PRA at r's scope; from the step's
// EscalationInstant on, also one of its escalation approvers), ignoring the step's status; the
// requester (principal or creator of r) is never an approver.
bool IsListedApprover(const EngineState& s, const std::string& principal, const ScheduleRequest& r,
                      const ApprovalStep& step);
// IsListedApprover, and the step is InProgress, `principal` has not reviewed it yet and did not
// approve an earlier stage of `a` (ApprovedEarlierStage).
bool MayReviewNow(const EngineState& s, const std::string& principal, const ScheduleRequest& r,
                  const Approval& a, const ApprovalStep& step);
// Separation of duties: true when `principal` approved a stage of `a` that comes before `step`
// (matched by id). Such a person may not review `step`, nor count toward its quorum.
bool ApprovedEarlierStage(const Approval& a, const ApprovalStep& step,
                          const std::string& principal);
// The step currently in progress, or nullptr.
const ApprovalStep* CurrentStep(const Approval& a);
// When `step` escalates (its start plus its escalation minutes), or nullopt when it does not
// escalate (no escalation minutes, or not fewer than its timeout's) or has not started.
std::optional<Timestamp> EscalationInstant(const ApprovalStep& step);
// The timer key ("escalation:<approvalId>:<stepId>") whose TimerMark records that `step` escalated.
std::string EscalationTimerKey(const Approval& a, const ApprovalStep& step);
// Call only while `step` of approval `a` of request `r` awaits review. When its EscalationInstant
// has come by `now` and is not yet recorded: audits "Approval stage escalated (PIM activation)",
// emits "approvalEscalated" (for notifying its escalation approvers) and leaves the TimerMark,
// all into `txn`. Otherwise does nothing. Who may review does not depend on it (IsListedApprover
// compares with the clock).
void RecordEscalationIfDue(EngineState& s, Txn& txn, const ScheduleRequest& r, const Approval& a,
                           const ApprovalStep& step, Timestamp now);

// When the stage in progress of approval `approval_id` has timed out at `now` (its start plus its
// timeout days) and its request is still PendingApproval: cancels the request ("Approval stage
// timed out"), expires the step, audits and emits "requestCanceled" into `txn` (after
// RecordEscalationIfDue: an escalation not yet recorded came first), and returns true.
// Otherwise changes nothing and returns false. Reviews and cancels call it before acting, so a
// late timer never lets a timed-out request be approved.
bool TimeOutApprovalIfDue(EngineState& s, Txn& txn, const std::string& approval_id, Timestamp now);
// Closes the stage in progress of request `r`'s approval, the request being canceled (not
// timed out); an escalation the stage reached before now is recorded first (the timer may be
// late), as a review or a timeout records it.
void CloseApprovalOf(EngineState& s, Txn& txn, const ScheduleRequest& r, Timestamp now);

// `items` joined with ",", as audit details list ids and rule names.
std::string Joined(const std::vector<std::string>& items);
// The payload of a "requestCanceled" outbox event.
std::string RequestCanceledPayload(const ScheduleRequest& r);

// Cancels every request of `principal` still waiting for a decision (PendingApproval, whose open
// approval steps are completed, or PendingAdminDecision) with `reason`, emits "requestCanceled"
// for each and names them in `e` (detail "canceledRequestId"). A request whose approval stage
// has already timed out is recorded as timed out instead. For a principal that is going away;
// with `target_schedule_id`, only their requests about that schedule (to extend or renew it),
// for a schedule that has ended.
void CancelPendingRequestsOf(EngineState& s, Txn& txn, const std::string& principal,
                             const std::string& reason, AuditEvent& e,
                             const std::string& target_schedule_id = {});
inline constexpr const char* kRequestorDeleted = "Canceled because the requestor was deleted";
inline constexpr const char* kTargetEnded =
    "Canceled because the role assignment or eligibility it was about has ended";
inline constexpr const char* kRequestorDisabled =
    "Canceled because the requestor's account was disabled";

// Ends the just-in-time access of `principal`, whose account is disabled: cancels its requests
// still waiting for a decision (CancelPendingRequestsOf with `reason`) and revokes its
// activations (Activated assignments, in force or scheduled, made with its own eligibility or a
// group's: RevokeSchedule), naming each in `e`. The request of an activation that has not started
// yet is Canceled with `reason`, as cancelling it would, with a "requestCanceled" event.
// Eligibilities and Assigned roles stay: they are an administrator's standing decisions.
void EndJustInTimeAccessOf(EngineState& s, Txn& txn, const std::string& principal,
                           const std::string& reason, AuditEvent& e);

// The activity names of admin actions for a schedule kind.
const char* AdminActivity(RequestAction action, ScheduleKind kind, bool permanent);

}  // namespace pim
