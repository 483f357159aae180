#include "engine/engine_state.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <unordered_set>

#include "core/role_catalog.h"
#include "engine/deferred_commit.h"
#include "engine/requests_internal.h"
#include "engine/store_codec.h"

namespace pim {

void EngineState::Commit(ExclusiveLock& lock, Txn txn) {
  const Timestamp now = clock.Now();
  ChangeSet changes;
  changes.objects = std::move(txn.objects);
  changes.outbox = std::move(txn.outbox);
  for (auto& e : txn.events) {
    if (e.id.empty()) e.id = ids.NewId();
    changes.audit.push_back(chain->Seal(e));
  }
  std::optional<int64_t> checkpoint_seq;
  if (!changes.audit.empty()) {
    // Signed by the store's writer, once for the whole group commit (Ed25519 costs more than
    // the rest of a typical change set).
    changes.checkpoint = chain->Head(now);
    changes.sign_checkpoint = [this](AuditCheckpoint& checkpoint) {
      signer.SignCheckpoint(checkpoint);
      std::lock_guard<std::mutex> guard(signed_checkpoint_mu);
      signed_checkpoint = checkpoint;
    };
    checkpoint_seq = changes.checkpoint->seq;
    newest_checkpoint_seq.store(*checkpoint_seq);
  }
  if (changes.empty() && txn.index_ops.empty()) {
    lock.unlock();
    return;
  }
  auto after = [this, ops = std::move(txn.index_ops), checkpoint_seq] {
    for (const auto& op : ops) op(index);
    // Only the newest checkpoint is worth a file: when a later change set is already queued, its
    // own callback (same or next batch, in order) writes a newer one. This keeps a burst of
    // commits to one file replacement, which ext4 flushes like an fsync. The newest change set
    // submitted is the newest of its transaction, so its checkpoint is the one just signed.
    if (checkpoint_seq && !options.checkpoint_file.empty() && checkpoint_file_problem.empty() &&
        *checkpoint_seq >= newest_checkpoint_seq.load()) {
      AuditCheckpoint checkpoint;
      {
        std::lock_guard<std::mutex> guard(signed_checkpoint_mu);
        checkpoint = signed_checkpoint;
      }
      Status st = checkpoint.seq == *checkpoint_seq
                      ? WriteCheckpointFile(options.checkpoint_file, checkpoint)
                      : Internal("the newest checkpoint was not signed");
      if (!st.ok()) {
        std::fprintf(stderr, "pim engine: writing audit checkpoint file failed: %s\n",
                     st.ToString().c_str());
      }
    }
  };
  auto fail = [](const Status& st) {
    if (st.error_code() == kStoreClosed) {
      // Stopping: nothing is wrong with what was saved, and this change was never acknowledged
      // (its answer waits for the commit). A clean exit, not a crash with a core dump.
      std::fprintf(stderr,
                   "pim engine: %s; that change was never acknowledged and is not saved. "
                   "Exiting.\n",
                   st.message().c_str());
      std::fflush(stderr);
      std::_Exit(1);
    }
    std::fprintf(stderr, "pim engine: store commit failed, aborting: %s\n", st.ToString().c_str());
    std::fflush(stderr);
    std::abort();
  };
  // On the writer thread, before it takes its next batch: the change sets queued after this one
  // were sealed over its state and audit records, and committing any of them would leave a gap
  // in the chain on disk. Waiting for the future and aborting here would race with that batch.
  changes.on_failure = fail;
  if (std::function<void()> durable = DeferCommits::Track()) {
    // The caller does not wait: it learns of durability through its DeferCommits scope.
    store.Enqueue(std::move(changes), [after = std::move(after), durable = std::move(durable)] {
      after();
      durable();
    });
    lock.unlock();
    return;
  }
  std::shared_future<Status> done = store.Submit(std::move(changes), std::move(after));
  lock.unlock();
  Status st = done.get();
  if (!st.ok()) fail(st);  // refused without on_failure: the store was closed
}

Status EngineState::CommitRefusal(ExclusiveLock& lock, Txn txn, Status refusal) {
  Commit(lock, std::move(txn));
  return refusal;
}

Status EngineState::RefuseForbidden(ExclusiveLock& lock, const Caller& caller, AuditEvent e,
                                    std::string message) {
  e.result = "failure";
  e.result_reason = message;
  Txn txn;
  Audit(txn, caller, std::move(e));
  return CommitRefusal(lock, std::move(txn), PermissionDenied(std::move(message)));
}

AuditEvent EngineState::Event(const Caller& caller, const char* category, const char* activity,
                              const char* operation_type) const {
  AuditEvent e;
  e.time = clock.Now();
  e.category = category;
  e.activity = activity;
  e.operation_type = operation_type;
  e.initiator_ip = caller.ip;
  if (caller.anonymous()) {
    e.initiator_type = "app";
    e.initiator_id = "pim";
  } else {
    e.initiator_id = caller.principal_id;
    if (const Principal* p = principals.Find(caller.principal_id)) {
      e.initiator_type = p->kind == PrincipalKind::kServicePrincipal ? "app" : "user";
      e.initiator_upn = p->user_principal_name;
      e.initiator_display_name = p->display_name;
    }
  }
  // Graph's app initiator has no address (docs/AUDIT.md): an unknown name's failed sign-in or a
  // service principal's request keeps where it came from as a detail.
  if (e.initiator_type == "app" && !caller.ip.empty())
    e.details.emplace_back("ipAddress", caller.ip);
  return e;
}

AuditEvent EngineState::SystemEvent(const char* category, const char* activity,
                                    const char* operation_type, const char* initiator) const {
  AuditEvent e;
  e.time = clock.Now();
  e.category = category;
  e.activity = activity;
  e.operation_type = operation_type;
  e.initiator_type = "app";
  e.initiator_id = initiator;
  e.initiator_display_name = initiator;
  return e;
}

void EngineState::Audit(Txn& txn, const Caller& caller, AuditEvent e) const {
  if (!txn.break_glass_noted && !caller.anonymous() && IsBreakGlass(caller.principal_id)) {
    txn.break_glass_noted = true;
    AuditEvent bg = Event(caller, "Authentication", activity::kBreakGlassUsed, "Other");
    bg.details.emplace_back("activity", e.activity);
    bg.targets.push_back(PrincipalTarget(caller.principal_id));
    // The alarm: whoever delivers notifications tells the security team at once.
    Emit(txn, "breakGlassUsed",
         boost::json::serialize(
             boost::json::object{{"principalId", caller.principal_id},
                                 {"userPrincipalName", bg.initiator_upn},
                                 {"activity", e.activity},
                                 {"ipAddress", caller.ip},
                                 {"activityDateTime", FormatTimestamp(bg.time)}}));
    txn.events.push_back(std::move(e));
    txn.events.push_back(std::move(bg));
    return;
  }
  txn.events.push_back(std::move(e));
}

void EngineState::Emit(Txn& txn, const char* type, std::string payload_json) const {
  txn.outbox.push_back({ids.NewId(), type, std::move(payload_json), clock.Now()});
}

AuditTarget EngineState::PrincipalTarget(const std::string& id) const {
  AuditTarget t;
  t.id = id;
  t.type = "User";
  if (const Principal* p = principals.Find(id)) {
    t.type = p->kind == PrincipalKind::kGroup
                 ? "Group"
                 : (p->kind == PrincipalKind::kServicePrincipal ? "ServicePrincipal" : "User");
    t.display_name = p->display_name;
    t.user_principal_name = p->user_principal_name;
  }
  return t;
}

AuditTarget EngineState::RoleTarget(const std::string& id) const {
  AuditTarget t;
  t.id = id;
  t.type = "Role";
  if (const RoleDefinition* r = roles.Find(id)) t.display_name = r->display_name;
  return t;
}

bool EngineState::HoldsAny(const std::string& principal, std::initializer_list<const char*> want,
                           const std::string& scope, Timestamp at) const {
  if (principal.empty()) return false;
  for (const char* role : want) {
    if (index.HasRole(principal, role, scope, at).allowed) return true;
  }
  return false;
}

bool EngineState::IsBreakGlass(const std::string& principal) const {
  const Principal* p = principals.Find(principal);
  return p && p->break_glass && !p->deleted && p->account_enabled;
}

bool EngineState::IsBreakGlassAnchor(const Schedule& x) const {
  if (x.kind != ScheduleKind::kAssignment || x.assignment_type != "Assigned" || x.removed ||
      !x.end.is_max() || x.directory_scope_id != "/") {
    return false;
  }
  if (x.role_definition_id != role_ids::kGlobalAdministrator &&
      x.role_definition_id != role_ids::kPrivilegedRoleAdministrator) {
    return false;
  }
  const Principal* p = principals.Find(x.principal_id);
  return p != nullptr && p->break_glass;
}

bool EngineState::IsRoleAdmin(const Caller& caller, const std::string& scope) const {
  return HoldsAny(caller.principal_id,
                  {role_ids::kGlobalAdministrator, role_ids::kPrivilegedRoleAdministrator}, scope,
                  clock.Now());
}

bool EngineState::IsUserAdmin(const Caller& caller) const {
  return HoldsAny(caller.principal_id,
                  {role_ids::kGlobalAdministrator, role_ids::kUserAdministrator}, "/", clock.Now());
}

bool EngineState::IsReader(const Caller& caller) const {
  return HoldsAny(
      caller.principal_id,
      {role_ids::kGlobalAdministrator, role_ids::kPrivilegedRoleAdministrator,
       role_ids::kSecurityAdministrator, role_ids::kSecurityReader, role_ids::kGlobalReader},
      "/", clock.Now());
}

const Principal* EngineState::LivePrincipal(const std::string& id) const {
  const Principal* p = principals.Find(id);
  return p && !p->deleted ? p : nullptr;
}

bool EngineState::IsMemberOf(const std::string& principal, const std::string& group_id) const {
  return GroupsOf(principal).count(group_id) > 0;
}

bool EngineState::GrantsToSelf(const Caller& caller, const std::string& target) const {
  if (IsBreakGlass(caller.principal_id)) return false;
  return target == caller.principal_id || IsMemberOf(caller.principal_id, target);
}

std::set<std::string> EngineState::GroupsOf(const std::string& principal) const {
  // Up from the principal through the groups listing it: a group counts (and leads further up)
  // only while it is live, as a member of a deleted group belongs to nothing through it.
  std::set<std::string> out;
  std::vector<const std::string*> todo{&principal};
  while (!todo.empty()) {
    const std::string* member = todo.back();
    todo.pop_back();
    auto it = member_of.find(*member);
    if (it == member_of.end()) continue;
    for (const std::string& g : it->second) {
      if (out.count(g)) continue;
      const Principal* group = LivePrincipal(g);
      if (!group || group->kind != PrincipalKind::kGroup) continue;
      todo.push_back(&*out.insert(g).first);
    }
  }
  return out;
}

bool EngineState::IsPrivilegedPrincipal(const std::string& id) const {
  const Principal* p = principals.Find(id);
  if (!p) return false;
  if (p->break_glass) return true;
  const Timestamp now = clock.Now();
  bool found = false;
  auto holds = [&](const Schedule& x) { found = found || (!x.removed && x.end > now); };
  schedules.ForEachCurrentOf(id, holds);
  // What a group holds, its members (nested ones too) hold: they may activate or use it.
  for (const std::string& group : GroupsOf(id)) schedules.ForEachCurrentOf(group, holds);
  return found || IsApprover(id);
}

void EngineState::ForEachApprover(
    const std::function<void(const std::string& user_id, const std::string& group_id)>& visit)
    const {
  auto subjects = [&visit](const std::vector<ApproverSubject>& list) {
    for (const ApproverSubject& a : list) visit(a.user_id, a.group_id);
  };
  policies.ForEach([&](const Policy& p) {
    for (const ApprovalStageSetting& stage : p.approval_enduser_assignment.approval_stages) {
      subjects(stage.primary_approvers);
      subjects(stage.escalation_approvers);
    }
  });
  static const std::string kNone;
  for (const std::string& id : pending_approval) {
    const ScheduleRequest* r = requests.Find(id);
    const Approval* a = r ? approvals.Find(r->approval_id) : nullptr;
    if (a == nullptr) continue;
    for (const ApprovalStep& step : a->steps) {
      for (const std::string& u : step.approver_user_ids) visit(u, kNone);
      for (const std::string& g : step.approver_group_ids) visit(kNone, g);
      for (const std::string& u : step.escalation_user_ids) visit(u, kNone);
      for (const std::string& g : step.escalation_group_ids) visit(kNone, g);
    }
  }
}

std::unordered_set<std::string> EngineState::ApproverGroupIds() const {
  std::unordered_set<std::string> out;
  ForEachApprover([&out](const std::string&, const std::string& group_id) {
    if (!group_id.empty()) out.insert(ToLower(group_id));
  });
  return out;
}

bool EngineState::IsApprover(const std::string& id) const {
  bool named = false;
  std::unordered_set<std::string> groups;
  ForEachApprover([&](const std::string& user_id, const std::string& group_id) {
    named = named || EqualsIgnoreCase(user_id, id);
    if (!group_id.empty()) groups.insert(ToLower(group_id));
  });
  if (named) return true;
  if (groups.empty()) return false;
  for (const std::string& g : GroupsOf(id)) {
    if (groups.count(g)) return true;
  }
  return false;
}

std::vector<std::string> EngineState::IndexedMembers(const Principal& group) const {
  std::vector<std::string> out;
  if (group.deleted) return out;
  for (const auto& m : group.members) {
    const Principal* p = LivePrincipal(m);
    if (p && p->account_enabled) out.push_back(m);
  }
  return out;
}

void EngineState::NoteMembers(const Principal* before, const Principal& after) {
  if (after.kind != PrincipalKind::kGroup) return;
  static const std::vector<std::string> kNone;
  const std::vector<std::string>& old_members = before ? before->members : kNone;
  // Sets, not nested finds: a group of n members changes in O(n), however large it is.
  const std::unordered_set<std::string_view> was(old_members.begin(), old_members.end());
  const std::unordered_set<std::string_view> now(after.members.begin(), after.members.end());
  for (const std::string& m : old_members) {
    if (now.count(m)) continue;
    auto it = member_of.find(m);
    if (it == member_of.end()) continue;
    std::erase(it->second, after.id);
    if (it->second.empty()) member_of.erase(it);
  }
  for (const std::string& m : after.members) {
    if (!was.count(m)) member_of[m].push_back(after.id);
  }
}

void EngineState::PutPrincipal(Txn& txn, const Principal& p) {
  NoteMembers(principals.Find(p.id), p);
  principals.Put(p.id, p);
  if (p.kind == PrincipalKind::kGroup) group_ids.insert(p.id);
  txn.Put(kinds::kPrincipal, p.id, EncodePrincipal(p));
}

bool EngineState::ShouldIndex(const Schedule& s) const {
  if (s.kind != ScheduleKind::kAssignment || s.removed) return false;
  const Principal* p = LivePrincipal(s.principal_id);
  if (!p || !p->account_enabled) return false;
  const RoleDefinition* r = roles.Find(s.role_definition_id);
  return r && r->is_enabled;
}

void EngineState::IndexOp(Txn& txn, const Schedule& s) const {
  if (s.kind != ScheduleKind::kAssignment) return;
  if (ShouldIndex(s)) {
    txn.index_ops.push_back([copy = s](DecisionIndex& ix) { ix.UpsertAssignment(copy); });
  } else {
    txn.index_ops.push_back([id = s.id](DecisionIndex& ix) { ix.RemoveAssignment(id); });
  }
}

void EngineState::AddDeadlines(const Schedule& s) {
  if (s.removed) return;
  if (!s.end.is_max() && !timers_done.count("end:" + s.id))
    deadlines.insert({s.end, "end:" + s.id});
  if (s.start > s.created && !timers_done.count("start:" + s.id)) {
    deadlines.insert({s.start, "start:" + s.id});
  }
}

void EngineState::PutSchedule(Txn& txn, const Schedule& s) {
  schedules.Put(s.id, s);
  RetireIfOver(s, clock.Now());
  txn.Put(kinds::kSchedule, s.id, EncodeSchedule(s));
  IndexOp(txn, s);
  AddDeadlines(s);
}

void EngineState::RetireIfOver(const Schedule& s, Timestamp now) {
  if (s.removed || s.end <= now) schedules.Retire(s.id);
}

void EngineState::RetireIfDecided(const ScheduleRequest& r) {
  if (r.status != request_status::kPendingApproval &&
      r.status != request_status::kPendingAdminDecision) {
    requests.Retire(r.id);
  }
}

void EngineState::PutRequest(Txn& txn, const ScheduleRequest& r) {
  requests.Put(r.id, r);
  RetireIfDecided(r);
  NoteRequestStatus(r);
  txn.Put(kinds::kRequest, r.id, EncodeRequest(r));
}

void EngineState::NoteRequestStatus(const ScheduleRequest& r) {
  if (r.status == request_status::kPendingApproval) {
    pending_approval.insert(r.id);
  } else {
    pending_approval.erase(r.id);
  }
}

void EngineState::PutApproval(Txn& txn, const Approval& a) {
  approvals.Put(a.id, a);
  txn.Put(kinds::kApproval, a.id, EncodeApproval(a));
  AddApprovalDeadlines(a);
}

void EngineState::AddApprovalDeadlines(const Approval& a) {
  for (const auto& st : a.steps) {
    if (st.status != "InProgress" || !st.started) continue;
    deadlines.insert({*st.TimeoutAt(), "approval:" + a.id});
    if (std::optional<Timestamp> at = EscalationInstant(st)) {
      std::string key = EscalationTimerKey(a, st);
      if (!timers_done.count(key)) deadlines.insert({*at, std::move(key)});
    }
  }
}

void EngineState::PutCredential(Txn& txn, const CredentialRecord& c) {
  credentials[c.principal_id] = c;
  txn.Put(kinds::kCredential, c.principal_id, EncodeCredential(c));
}

void EngineState::PutSession(Txn& txn, const SessionRecord& s) {
  auto it = sessions.find(s.id);
  const bool new_expiry = it == sessions.end() || it->second.refresh_expires != s.refresh_expires;
  if (it != sessions.end()) UnindexSession(it->second);
  sessions[s.id] = s;
  if (!s.revoked) IndexSession(s);
  txn.Put(kinds::kSession, s.id, EncodeSession(s));
  // Purged once nothing can use it (RunDueTimers); an earlier deadline left by a refresh finds
  // the session still alive and is skipped.
  if (new_expiry) {
    deadlines.insert({s.refresh_expires, "session:" + s.id});
  }
}

void EngineState::IndexSession(const SessionRecord& s) {
  access_to_session[s.access_hash] = s.id;
  if (!s.refresh_hash.empty()) refresh_to_session[s.refresh_hash] = s.id;
  for (const std::string& h : s.used_refresh_hashes) used_refresh_to_session[h] = s.id;
}

void EngineState::UnindexSession(const SessionRecord& s) {
  access_to_session.erase(s.access_hash);
  if (!s.refresh_hash.empty()) refresh_to_session.erase(s.refresh_hash);
  for (const std::string& h : s.used_refresh_hashes) used_refresh_to_session.erase(h);
}

void EngineState::PurgeSession(Txn& txn, const std::string& id, Timestamp now) {
  auto it = sessions.find(id);
  if (it != sessions.end()) {
    if (it->second.refresh_expires > now) return;  // refreshed since this deadline was set
    UnindexSession(it->second);
    sessions.erase(it);
  }
  // Also for sessions Load() found dead and did not keep in memory; erasing is idempotent.
  txn.objects.push_back({kinds::kSession, id, "", true});
}

Timestamp EngineState::ThrottleExpiry(const SignInThrottle& t) const {
  return std::max(t.blocked_until, t.last_failure + options.lockout_duration);
}

void EngineState::PutThrottle(Txn& txn, const SignInThrottle& t) {
  if (!sign_in_throttles.Contains(t.source) &&
      sign_in_throttles.size() >= std::max<size_t>(1, options.sign_in_throttle_capacity)) {
    const std::string evicted = *sign_in_throttles.FirstToExpire();  // erasing ends its life
    EraseThrottle(txn, evicted);
  }
  const Timestamp expiry = ThrottleExpiry(t);
  sign_in_throttles.Put(t, expiry);
  deadlines.insert({expiry, "throttle:" + t.source});
  txn.Put(kinds::kSignInThrottle, t.source, EncodeSignInThrottle(t));
}

void EngineState::EraseThrottle(Txn& txn, const std::string& source) {
  sign_in_throttles.Erase(source);
  txn.objects.push_back({kinds::kSignInThrottle, source, "", true});
}

void EngineState::PurgeThrottle(Txn& txn, const std::string& source, Timestamp now) {
  const SignInThrottle* t = sign_in_throttles.Find(source);
  if (t != nullptr && ThrottleExpiry(*t) > now) return;
  // Also for throttles Load() found expired and did not keep; erasing is idempotent.
  EraseThrottle(txn, source);
}

void EngineState::ResyncPrincipalInIndex(Txn& txn, const std::string& principal_id) {
  schedules.ForEachCurrentOf(principal_id, [&](const Schedule& s) {
    if (!s.removed) IndexOp(txn, s);
  });
  // The principal itself if it is a group, and the groups that list it.
  std::vector<std::string> groups = {principal_id};
  if (auto it = member_of.find(principal_id); it != member_of.end()) {
    groups.insert(groups.end(), it->second.begin(), it->second.end());
  }
  for (const std::string& id : groups) {
    const Principal* g = principals.Find(id);
    if (!g || g->kind != PrincipalKind::kGroup) continue;
    txn.index_ops.push_back(
        [id, members = IndexedMembers(*g)](DecisionIndex& ix) { ix.SetGroupMembers(id, members); });
  }
}

void EngineState::MarkTimerDone(Txn& txn, const std::string& key) {
  timers_done.insert(key);
  txn.Put(kinds::kTimer, key, EncodeTimerMark({key, clock.Now()}));
}

void EngineState::RevokeSessionsOf(Txn& txn, const std::string& principal_id,
                                   const std::string& except_session_id) {
  std::vector<SessionRecord> live;
  for (const auto& [id, s] : sessions) {
    if (s.principal_id == principal_id && !s.revoked && id != except_session_id) live.push_back(s);
  }
  for (auto& s : live) {
    s.revoked = true;
    PutSession(txn, s);
  }
}

void AddRequestDetails(AuditEvent& e, const ScheduleRequest& r, const Schedule* s) {
  auto add = [&](const char* k, const std::string& v) {
    if (!v.empty()) e.details.emplace_back(k, v);
  };
  add("requestId", r.id);
  add("action", RequestActionName(r.action));
  add("principalId", r.principal_id);
  add("roleDefinitionId", r.role_definition_id);
  add("directoryScopeId", r.directory_scope_id);
  add("justification", r.justification);
  add("ticketNumber", r.ticket_number);
  add("ticketSystem", r.ticket_system);
  add("requestDateTime", FormatTimestamp(r.created));
  add("status", r.status);
  if (r.schedule_info.duration) add("requestedDuration", FormatDuration(*r.schedule_info.duration));
  if (s) {
    add("scheduleId", s->id);
    add("startDateTime", FormatTimestamp(s->start));
    add("endDateTime", s->end.is_max() ? "noExpiration" : FormatTimestamp(s->end));
  }
}

}  // namespace pim
