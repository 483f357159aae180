// PimService: construction, Load (rebuild from the store, seed an empty one), Bootstrap,
// decisions and metrics. The other methods live in auth_*.cc, directory.cc, roles.cc,
// policies.cc, requests_*.cc, approvals.cc and timers.cc.
#include "engine/pim_service.h"

#include "audit/checkpoint_file.h"
#include "core/role_catalog.h"
#include "core/scope.h"
#include "engine/engine_state.h"
#include "engine/store_codec.h"
#include "engine/validation.h"

namespace pim {
namespace {

// How Load() takes in one stored kind: decode the body, then put the object in the state.
using KindLoader = std::function<Status(const StoredObject&)>;

template <typename Decode, typename Put>
KindLoader Loader(Decode decode, Put put) {
  return [decode, put](const StoredObject& row) -> Status {
    auto decoded = decode(row.body);
    if (!decoded.ok()) return Internal("corrupt " + row.kind + " " + row.id);
    put(std::move(decoded).value());
    return Status::Ok();
  };
}

}  // namespace

PimService::PimService(Store& store, const Clock& clock, IdGenerator& ids,
                       const AuditSigner& signer, const SecretBox& secrets, EngineOptions options)
    : state_(std::make_unique<State>(store, clock, ids, signer, secrets, std::move(options))) {}

bool PimService::IsBusy() const {
  std::unique_lock<std::shared_mutex> probe(state_->mu, std::try_to_lock);
  return !probe.owns_lock();
}

PimService::~PimService() {
  // Change sets submitted without waiting (DeferCommits) hold callbacks into the state: let the
  // store finish them first. An empty change set is committed after everything before it.
  (void)state_->store.Commit(ChangeSet{});
}

Status PimService::Load() {
  State& s = *state_;
  ExclusiveLock lock(s.mu);
  if (s.loaded) return FailedPrecondition("Load() called twice");
  Store& st = s.store;
  const Timestamp now = s.clock.Now();
  // One pass over the store, each object decoded as it arrives (kinds come interleaved; each
  // kind's in insertion order, which the ordered maps keep). Nothing below depends on the order
  // of kinds: what links them (index, deadlines) is built after the pass.
  const std::unordered_map<std::string, KindLoader> loaders = {
      {kinds::kPrincipal, Loader(DecodePrincipal,
                                 [&](Principal p) {
                                   if (p.kind == PrincipalKind::kUser && !p.deleted) {
                                     s.upn_to_id[ToLower(p.user_principal_name)] = p.id;
                                   }
                                   if (p.kind == PrincipalKind::kServicePrincipal) {
                                     s.app_to_id[p.app_id] = p.id;
                                   }
                                   s.principals.Put(p.id, p);
                                   if (p.kind == PrincipalKind::kGroup) s.group_ids.insert(p.id);
                                 })},
      {kinds::kCredential,
       Loader(DecodeCredential,
              [&](CredentialRecord c) { s.credentials[c.principal_id] = std::move(c); })},
      {kinds::kTotpMethod, Loader(DecodeTotp, [&](TotpRecord t) { s.totp_methods.Put(t.id, t); })},
      {kinds::kSession, Loader(DecodeSession,
                               [&](SessionRecord x) {
                                 // Every session is purged at its refresh expiry; those already
                                 // past it are purged by the first timer run without being kept
                                 // in memory.
                                 s.deadlines.insert({x.refresh_expires, "session:" + x.id});
                                 if (x.refresh_expires <= now) return;
                                 if (!x.revoked) s.IndexSession(x);
                                 s.sessions[x.id] = std::move(x);
                               })},
      {kinds::kRoleDefinition,
       Loader(DecodeRoleDefinition, [&](RoleDefinition r) { s.roles.Put(r.id, r); })},
      {kinds::kTimer, Loader(DecodeTimerMark, [&](TimerMark m) { s.timers_done.insert(m.id); })},
      {kinds::kSignInThrottle, Loader(DecodeSignInThrottle,
                                      [&](SignInThrottle t) {
                                        // As for sessions: one already expired is purged by the
                                        // first timer run, not kept.
                                        const Timestamp expiry = s.ThrottleExpiry(t);
                                        s.deadlines.insert({expiry, "throttle:" + t.source});
                                        if (expiry <= now) return;
                                        s.sign_in_throttles.Put(t, expiry);
                                      })},
      {kinds::kSchedule, Loader(DecodeSchedule, [&](Schedule x) { s.schedules.Put(x.id, x); })},
      {kinds::kRequest, Loader(DecodeRequest,
                               [&](ScheduleRequest r) {
                                 s.requests.Put(r.id, r);
                                 s.NoteRequestStatus(r);
                               })},
      {kinds::kApproval, Loader(DecodeApproval, [&](Approval a) { s.approvals.Put(a.id, a); })},
      {kinds::kPolicy, Loader(DecodePolicy, [&](Policy p) { s.policies.Put(p.id, p); })},
      {kinds::kPolicyAssignment,
       Loader(DecodePolicyAssignment,
              [&](PolicyAssignment a) { s.policy_assignments.Put(a.id, a); })},
  };
  RETURN_IF_ERROR(st.ForEachObject([&](StoredObject row) {
    auto it = loaders.find(row.kind);
    return it == loaders.end() ? Status::Ok() : it->second(row);
  }));

  // The audit chain continues after the last stored record.
  ASSIGN_OR_RETURN(std::vector<SealedAuditRecord> last, st.ReadAuditDescending(0, 1));
  if (last.empty()) {
    s.chain = std::make_unique<AuditChain>(0, std::string(64, '0'), &s.signer);
  } else {
    s.chain = std::make_unique<AuditChain>(last[0].seq, last[0].hash, &s.signer);
  }
  // Before anything is committed: a checkpoint file that does not describe this log is kept.
  if (!s.options.checkpoint_file.empty()) {
    RemoveCheckpointFileTemporaries(s.options.checkpoint_file);  // of a crash mid-replacement
    ASSIGN_OR_RETURN(s.checkpoint_file_problem,
                     pim::CheckpointFileProblem(s.options.checkpoint_file, s.signer, st,
                                                last.empty() ? 0 : last[0].seq));
  }

  // Rebuild the decision index and the timer deadlines.
  s.roles.ForEach([&](const RoleDefinition& r) {
    std::vector<std::string> allowed, excluded;
    for (const auto& rp : r.role_permissions) {
      allowed.insert(allowed.end(), rp.allowed_resource_actions.begin(),
                     rp.allowed_resource_actions.end());
      excluded.insert(excluded.end(), rp.excluded_resource_actions.begin(),
                      rp.excluded_resource_actions.end());
    }
    s.index.SetRolePermissions(r.id, std::move(allowed), std::move(excluded));
  });
  s.principals.ForEach([&](const Principal& p) { s.NoteMembers(nullptr, p); });
  s.principals.ForEach([&](const Principal& p) {
    if (p.kind == PrincipalKind::kGroup) s.index.SetGroupMembers(p.id, s.IndexedMembers(p));
  });
  s.schedules.ForEach([&](const Schedule& x) {
    if (s.ShouldIndex(x) && x.end > now) s.index.UpsertAssignment(x);
    s.AddDeadlines(x);
    s.RetireIfOver(x, now);
  });
  s.requests.ForEach([&](const ScheduleRequest& r) { s.RetireIfDecided(r); });
  s.approvals.ForEach([&](const Approval& a) { s.AddApprovalDeadlines(a); });
  s.loaded = true;
  if (s.roles.empty()) SeedCatalog(s, lock);
  return Status::Ok();
}

const std::string& PimService::CheckpointFileProblem() const {
  return state_->checkpoint_file_problem;
}

bool PimService::IsInitialized() const {
  SharedLock lock(state_->mu);
  bool found = false;
  state_->principals.ForEach([&](const Principal& p) { found = found || p.break_glass; });
  return found;
}

Result<Principal> PimService::Bootstrap(const std::string& upn, const std::string& password) {
  State& s = *state_;
  RETURN_IF_ERROR(ValidateUpn(upn));
  RETURN_IF_ERROR(ValidatePassword(password));
  if (IsInitialized()) return FailedPrecondition("pim is already initialised");
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password, s.options.password_cost));

  ExclusiveLock lock(s.mu);
  bool initialised = false;
  s.principals.ForEach([&](const Principal& p) { initialised = initialised || p.break_glass; });
  if (initialised) return FailedPrecondition("pim is already initialised");
  if (s.upn_to_id.count(ToLower(upn))) return AlreadyExists("userPrincipalName already in use");
  const Timestamp now = s.clock.Now();
  Txn txn;
  Principal admin;
  admin.id = s.ids.NewId();
  admin.kind = PrincipalKind::kUser;
  admin.user_principal_name = upn;
  admin.display_name = "Break-glass administrator";
  admin.break_glass = true;
  admin.created = now;
  s.PutPrincipal(txn, admin);
  s.upn_to_id[ToLower(upn)] = admin.id;
  CredentialRecord cred;
  cred.principal_id = admin.id;
  cred.password_hash = std::move(hash);
  s.PutCredential(txn, cred);

  AuditEvent e = s.SystemEvent("UserManagement", "Create break-glass account", "Add", "pim-init");
  e.targets.push_back(s.PrincipalTarget(admin.id));
  for (const char* role :
       {role_ids::kGlobalAdministrator, role_ids::kPrivilegedRoleAdministrator}) {
    Schedule sc;
    sc.id = s.ids.NewId();
    sc.kind = ScheduleKind::kAssignment;
    sc.principal_id = admin.id;
    sc.role_definition_id = role;
    sc.assignment_type = "Assigned";
    sc.created = sc.modified = sc.start = now;
    s.PutSchedule(txn, sc);
    e.targets.push_back(s.RoleTarget(role));
    e.details.emplace_back("scheduleId", sc.id);
  }
  e.details.emplace_back("breakGlass", "true");
  s.Audit(txn, Caller{}, std::move(e));
  s.Commit(lock, std::move(txn));
  return admin;
}

Decision PimService::HasRole(const std::string& principal_id, const std::string& role_definition_id,
                             const std::string& scope, Timestamp at) const {
  auto canonical = NormalizeScope(scope);
  if (!canonical.ok()) return Decision{};
  return state_->index.HasRole(principal_id, ToLower(role_definition_id), *canonical, at);
}

Decision PimService::HasPermission(const std::string& principal_id,
                                   const std::string& resource_action, const std::string& scope,
                                   Timestamp at) const {
  auto canonical = NormalizeScope(scope);
  if (!canonical.ok()) return Decision{};
  return state_->index.HasPermission(principal_id, resource_action, *canonical, at);
}

int64_t PimService::ActiveAssignmentCount() const {
  // From the decision index, which holds only the live assignment schedules, without the
  // engine's lock: a /metrics scrape (unauthenticated) never walks the history nor holds up
  // writers.
  return static_cast<int64_t>(state_->index.ActiveAssignmentCount(state_->clock.Now()));
}

int64_t PimService::PendingApprovalCount() const {
  SharedLock lock(state_->mu);
  return static_cast<int64_t>(state_->pending_approval.size());
}

int64_t PimService::ActivationCount() const { return state_->activation_count.load(); }

}  // namespace pim
