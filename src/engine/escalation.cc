// Escalation of an approval stage (Graph's isEscalationEnabled, escalationTimeInMinutes,
// escalationApprovers): when it escalates, and the record of it (audit + outbox) that the timer,
// or a review that comes before a late timer, writes once. Who may review is decided in
// approvals.cc by comparing with the clock; this record changes nothing about it.
#include <boost/json.hpp>

#include "engine/requests_internal.h"

namespace pim {
namespace {

std::string EscalationPayload(const ScheduleRequest& r, const Approval& a, const ApprovalStep& st,
                              Timestamp at) {
  boost::json::object o{
      {"requestId", r.id},
      {"approvalId", a.id},
      {"stepId", st.id},
      {"principalId", r.principal_id},
      {"roleDefinitionId", r.role_definition_id},
      {"directoryScopeId", r.directory_scope_id},
      {"escalationDateTime", FormatTimestamp(at)},
      {"escalationApproverUserIds", boost::json::value_from(st.escalation_user_ids)},
      {"escalationApproverGroupIds", boost::json::value_from(st.escalation_group_ids)}};
  return boost::json::serialize(o);
}

}  // namespace

AuditEvent ApprovalSystemEvent(const EngineState& s, const char* activity, const ScheduleRequest& r,
                               const std::string& approval_id) {
  AuditEvent e = s.SystemEvent("RoleManagement", activity, "Other");
  e.correlation_id = r.id;
  e.targets.push_back(s.PrincipalTarget(r.principal_id));
  e.targets.push_back(s.RoleTarget(r.role_definition_id));
  AddRequestDetails(e, r, nullptr);
  e.details.emplace_back("approvalId", approval_id);
  return e;
}

std::optional<Timestamp> EscalationInstant(const ApprovalStep& step) {
  if (step.escalation_minutes <= 0 || !step.started) return std::nullopt;
  const Timestamp at = *step.started + Duration::Minutes(step.escalation_minutes);
  // A stage stored by an earlier pim may escalate no sooner than it times out: it never does.
  if (at >= *step.TimeoutAt()) return std::nullopt;
  return at;
}

std::string EscalationTimerKey(const Approval& a, const ApprovalStep& step) {
  return "escalation:" + a.id + ":" + step.id;
}

void RecordEscalationIfDue(EngineState& s, Txn& txn, const ScheduleRequest& r, const Approval& a,
                           const ApprovalStep& step, Timestamp now) {
  std::optional<Timestamp> at = EscalationInstant(step);
  const std::string key = EscalationTimerKey(a, step);
  if (!at || *at > now || s.timers_done.count(key)) return;
  AuditEvent e = ApprovalSystemEvent(s, "Approval stage escalated (PIM activation)", r, a.id);
  e.details.emplace_back("approvalStepId", step.id);
  e.details.emplace_back("escalationDateTime", FormatTimestamp(*at));
  e.details.emplace_back("escalationApproverUserIds", Joined(step.escalation_user_ids));
  e.details.emplace_back("escalationApproverGroupIds", Joined(step.escalation_group_ids));
  txn.events.push_back(std::move(e));
  s.MarkTimerDone(txn, key);
  s.Emit(txn, "approvalEscalated", EscalationPayload(r, a, step, *at));
}

}  // namespace pim
