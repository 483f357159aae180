// Reading requests, schedules and instances, and cancelling requests. Readers (Global Reader,
// Security Reader, Security Administrator, PRA, GA) see everything; others see their own (and,
// for schedules, those of groups they belong to; for requests, those they must approve).
// Objects the caller may not see answer NotFound, so their existence does not leak.
#include <boost/json.hpp>

#include "engine/pim_service.h"
#include "engine/requests_internal.h"
#include "engine/store_codec.h"

namespace pim {
namespace {

bool OwnsSchedule(const EngineState& s, const Caller& caller, const Schedule& x) {
  return x.principal_id == caller.principal_id || s.IsMemberOf(caller.principal_id, x.principal_id);
}

// ForEachFrom over every object of `map`, or over one principal's when `principal` is not empty.
template <typename T, typename F>
std::optional<uint64_t> ScanFrom(const OrderedMap<T>& map, const std::string& principal,
                                 uint64_t from, size_t limit, F&& f) {
  return principal.empty() ? map.ForEachFrom(from, limit, f)
                           : map.ForEachOfFrom(principal, from, limit, f);
}

// Calls f for the caller's own schedules and their groups' (those OwnsSchedule accepts), in
// creation order, through the per-principal index rather than the organisation's history.
template <typename F>
void ForEachOwnSchedule(const EngineState& s, const Caller& caller, F&& f) {
  std::vector<std::string> owners = {caller.principal_id};
  for (const std::string& group : s.GroupsOf(caller.principal_id)) owners.push_back(group);
  s.schedules.ForEachOfAny(owners, f);
}

// What ListSchedules and ListInstances hold of the schedules the caller may see.
bool ScheduleInForce(const Schedule& x, ScheduleKind kind, Timestamp now) {
  return x.kind == kind && !x.removed && x.end > now;
}
bool InstanceNow(const Schedule& x, ScheduleKind kind, Timestamp now) {
  return x.kind == kind && x.ActiveAt(now);
}

// One chunk of the schedules the caller may see (every one for a reader; else their own and
// their groups') that `keep` accepts, each turned into a T by `make`.
template <typename T, typename Keep, typename Make>
ListChunk<T> ScheduleChunk(const EngineState& s, const Caller& caller, bool reader, uint64_t from,
                           size_t limit, const std::string& principal, Keep keep, Make make) {
  const std::set<std::string> groups =
      reader ? std::set<std::string>() : s.GroupsOf(caller.principal_id);
  ListChunk<T> out;
  out.resume = ScanFrom(s.schedules, principal, from, limit, [&](uint64_t seq, const Schedule& x) {
    if (!keep(x)) return;
    if (reader || x.principal_id == caller.principal_id || groups.count(x.principal_id)) {
      out.items.emplace_back(seq, make(x));
    }
  });
  return out;
}

// Every item of a chunked listing: `scan(from)` gives one chunk.
constexpr size_t kListChunk = 1024;
template <typename T, typename Scan>
Result<std::vector<T>> Drain(Scan scan) {
  std::vector<T> out;
  std::optional<uint64_t> from = 0;
  while (from) {
    ASSIGN_OR_RETURN(ListChunk<T> chunk, scan(*from));
    for (auto& item : chunk.items) out.push_back(std::move(item.second));
    from = chunk.resume;
  }
  return out;
}

bool CanSeeRequest(const EngineState& s, const Caller& caller, const ScheduleRequest& r,
                   bool reader) {
  if (reader || r.principal_id == caller.principal_id || r.created_by == caller.principal_id) {
    return true;
  }
  const Approval* a = r.approval_id.empty() ? nullptr : s.approvals.Find(r.approval_id);
  if (!a) return false;
  for (const auto& st : a->steps) {
    if (IsListedApprover(s, caller.principal_id, r, st)) return true;
  }
  return false;
}

}  // namespace

Status PimService::CancelRequest(const Caller& caller, ScheduleKind kind,
                                 const std::string& request_id) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  const Timestamp now = s.clock.Now();
  const ScheduleRequest* found = s.requests.Find(ToLower(request_id));
  if (!found || found->kind != kind || !CanSeeRequest(s, caller, *found, s.IsReader(caller))) {
    return NotFound("request '" + request_id + "' not found");
  }
  ScheduleRequest r = *found;
  AuditEvent e = s.Event(caller, "RoleManagement", "Cancel request (PIM)", "Update");
  e.correlation_id = r.id;
  e.targets.push_back(s.PrincipalTarget(r.principal_id));
  e.targets.push_back(s.RoleTarget(r.role_definition_id));
  const bool own = r.principal_id == caller.principal_id || r.created_by == caller.principal_id;
  if (!own && !s.IsRoleAdmin(caller, r.directory_scope_id)) {
    AddRequestDetails(e, r, nullptr);
    return s.RefuseForbidden(lock, caller, std::move(e),
                             "only the requester or a role administrator can cancel a request");
  }
  Txn txn;
  if (r.status == request_status::kPendingApproval &&
      TimeOutApprovalIfDue(s, txn, r.approval_id, now)) {
    return s.CommitRefusal(
        lock, std::move(txn),
        FailedPrecondition("only pending or scheduled requests can be cancelled (the approval "
                           "stage timed out)"));
  }
  if (r.status == request_status::kPendingApproval) {
    CloseApprovalOf(s, txn, r, now);
  } else if (r.status == request_status::kScheduleCreated) {
    const Schedule* x = s.schedules.Find(r.target_schedule_id);
    if (x && !x->removed && x->start <= now) {
      return FailedPrecondition(
          "the schedule has already started; deactivate or remove it instead of cancelling");
    }
    if (x && !x->removed) RevokeSchedule(s, txn, *x, e);
  } else if (r.status != request_status::kPendingAdminDecision) {
    return FailedPrecondition("only pending or scheduled requests can be cancelled (status is " +
                              r.status + ")");
  }
  r.status = request_status::kCanceled;
  r.completed = now;
  r.cancel_reason = own ? "Canceled by the requestor" : "Canceled by an administrator";
  s.PutRequest(txn, r);
  AddRequestDetails(e, r, nullptr);
  e.details.emplace_back("cancelReason", r.cancel_reason);
  s.Audit(txn, caller, std::move(e));
  s.Emit(txn, "requestCanceled", RequestCanceledPayload(r));
  s.Commit(lock, std::move(txn));
  return Status::Ok();
}

Result<ScheduleRequest> PimService::GetRequest(const Caller& caller, ScheduleKind kind,
                                               const std::string& id) const {
  const State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  bool reader = s.IsReader(caller);
  SharedLock lock(s.mu);
  const ScheduleRequest* r = s.requests.Find(ToLower(id));
  if (!r || r->kind != kind || !CanSeeRequest(s, caller, *r, reader)) {
    return NotFound("request '" + id + "' not found");
  }
  return *r;
}

Result<std::vector<ScheduleRequest>> PimService::ListRequests(const Caller& caller,
                                                              ScheduleKind kind) const {
  return Drain<ScheduleRequest>(
      [&](uint64_t from) { return ScanRequests(caller, kind, from, kListChunk); });
}

Result<ListChunk<ScheduleRequest>> PimService::ScanRequests(const Caller& caller, ScheduleKind kind,
                                                            uint64_t from, size_t limit,
                                                            const std::string& principal) const {
  const State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  bool reader = s.IsReader(caller);
  SharedLock lock(s.mu);
  ListChunk<ScheduleRequest> out;
  out.resume =
      ScanFrom(s.requests, principal, from, limit, [&](uint64_t seq, const ScheduleRequest& r) {
        if (r.kind != kind) return;
        if (reader || r.principal_id == caller.principal_id ||
            r.created_by == caller.principal_id) {
          out.items.emplace_back(seq, r);
        }
      });
  return out;
}

Result<std::vector<ScheduleRequest>> PimService::ListRequestsForCurrentUser(
    const Caller& caller, ScheduleKind kind, bool as_approver) const {
  const State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  SharedLock lock(s.mu);
  std::vector<ScheduleRequest> out;
  if (!as_approver) {
    s.requests.ForEachOf(caller.principal_id, [&](const ScheduleRequest& r) {
      if (r.kind == kind) out.push_back(r);
    });
    return out;
  }
  s.requests.ForEachOfIds(s.pending_approval, [&](const ScheduleRequest& r) {
    if (r.kind != kind) return;
    if (r.status != request_status::kPendingApproval) return;
    const Approval* a = s.approvals.Find(r.approval_id);
    const ApprovalStep* st = a ? CurrentStep(*a) : nullptr;
    if (st && MayReviewNow(s, caller.principal_id, r, *a, *st)) out.push_back(r);
  });
  return out;
}

Result<Schedule> PimService::GetSchedule(const Caller& caller, ScheduleKind kind,
                                         const std::string& id) const {
  const State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  bool reader = s.IsReader(caller);
  SharedLock lock(s.mu);
  const Schedule* x = s.schedules.Find(ToLower(id));
  if (!x || x->kind != kind || !(reader || OwnsSchedule(s, caller, *x))) {
    return NotFound("schedule '" + id + "' not found");
  }
  return *x;
}

Result<ListChunk<Schedule>> PimService::ScanSchedules(const Caller& caller, ScheduleKind kind,
                                                      uint64_t from, size_t limit,
                                                      const std::string& principal) const {
  const State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  bool reader = s.IsReader(caller);
  SharedLock lock(s.mu);
  const Timestamp now = s.clock.Now();
  return ScheduleChunk<Schedule>(
      s, caller, reader, from, limit, principal,
      [&](const Schedule& x) { return ScheduleInForce(x, kind, now); },
      [](const Schedule& x) { return x; });
}

Result<ListChunk<ScheduleInstance>> PimService::ScanInstances(const Caller& caller,
                                                              ScheduleKind kind, uint64_t from,
                                                              size_t limit,
                                                              const std::string& principal) const {
  const State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  bool reader = s.IsReader(caller);
  SharedLock lock(s.mu);
  const Timestamp now = s.clock.Now();
  return ScheduleChunk<ScheduleInstance>(
      s, caller, reader, from, limit, principal,
      [&](const Schedule& x) { return InstanceNow(x, kind, now); },
      [](const Schedule& x) {
        return ScheduleInstance{x.id, x};
      });
}

Result<ScheduleInstance> PimService::GetInstance(const Caller& caller, ScheduleKind kind,
                                                 const std::string& id) const {
  const State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  bool reader = s.IsReader(caller);
  SharedLock lock(s.mu);
  const Schedule* x = s.schedules.Find(ToLower(id));
  if (!x || x->kind != kind || !x->ActiveAt(s.clock.Now()) ||
      !(reader || OwnsSchedule(s, caller, *x))) {
    return NotFound("No schedule instance with id '" + id + "'.");
  }
  return ScheduleInstance{x->id, *x};
}

Result<std::vector<Schedule>> PimService::ListSchedules(const Caller& caller, ScheduleKind kind,
                                                        bool current_user_only) const {
  if (!current_user_only) {
    return Drain<Schedule>(
        [&](uint64_t from) { return ScanSchedules(caller, kind, from, kListChunk); });
  }
  const State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  SharedLock lock(s.mu);
  const Timestamp now = s.clock.Now();
  std::vector<Schedule> out;
  ForEachOwnSchedule(s, caller, [&](const Schedule& x) {
    if (ScheduleInForce(x, kind, now)) out.push_back(x);
  });
  return out;
}

Result<std::vector<ScheduleInstance>> PimService::ListInstances(const Caller& caller,
                                                                ScheduleKind kind,
                                                                bool current_user_only) const {
  if (!current_user_only) {
    return Drain<ScheduleInstance>(
        [&](uint64_t from) { return ScanInstances(caller, kind, from, kListChunk); });
  }
  const State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  SharedLock lock(s.mu);
  const Timestamp now = s.clock.Now();
  std::vector<ScheduleInstance> out;
  ForEachOwnSchedule(s, caller, [&](const Schedule& x) {
    if (InstanceNow(x, kind, now)) out.push_back({x.id, x});
  });
  return out;
}

}  // namespace pim
