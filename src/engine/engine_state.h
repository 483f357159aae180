// EngineState: PimService's private state and the helpers its .cc files share (commit path,
// audit events, authorisation, group expansion, index maintenance). Not a public header: only
// src/engine/*.cc include it.
//
// Locking: `mu` guards every member except `index` (internally synchronised), `store`, `clock`,
// `ids`, `signer`, `secrets` (thread-safe) and the atomic counters. Mutations hold `mu`
// exclusively from validation to Submit(); Commit() releases it before waiting for durability.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "audit/audit.h"
#include "auth/crypto.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/model.h"
#include "core/policy.h"
#include "engine/decision_index.h"
#include "engine/ordered_map.h"
#include "engine/pim_service.h"
#include "engine/records.h"
#include "engine/throttle_table.h"
#include "store/store.h"

namespace pim {

using ExclusiveLock = std::unique_lock<std::shared_mutex>;
using SharedLock = std::shared_lock<std::shared_mutex>;

// One change in preparation: object rows, audit events (sealed at commit), outbox events and the
// decision-index updates to apply once the change is durable.
struct Txn {
  std::vector<ObjectWrite> objects;
  std::vector<AuditEvent> events;
  std::vector<OutboxEvent> outbox;
  std::vector<std::function<void(DecisionIndex&)>> index_ops;
  bool break_glass_noted = false;

  void Put(const char* kind, const std::string& id, std::string body) {
    objects.push_back({kind, id, std::move(body), false});
  }
};

struct EngineState {
  EngineState(Store& st, const Clock& cl, IdGenerator& id, const AuditSigner& sg,
              const SecretBox& sb, EngineOptions opt)
      : store(st), clock(cl), ids(id), signer(sg), secrets(sb), options(std::move(opt)) {}

  Store& store;
  const Clock& clock;
  IdGenerator& ids;
  const AuditSigner& signer;
  const SecretBox& secrets;
  const EngineOptions options;

  mutable std::shared_mutex mu;
  DecisionIndex index;
  std::unique_ptr<AuditChain> chain;
  // Sequence number of the newest checkpoint handed to the store (written under the lock, read
  // on the store's writer thread, after each commit).
  std::atomic<int64_t> newest_checkpoint_seq{0};
  // The newest checkpoint the store had signed (on its writer thread, once per group commit).
  // Why the checkpoint file does not describe the log (pim::CheckpointFileProblem), found by
  // Load() before any commit and constant after it; while set, the file is left as it is.
  std::string checkpoint_file_problem;
  std::mutex signed_checkpoint_mu;
  AuditCheckpoint signed_checkpoint;  // guarded by signed_checkpoint_mu
  bool loaded = false;

  OrderedMap<Principal> principals;
  std::set<std::string> group_ids;  // ids of the principals that are groups (deleted ones too)
  // For each principal, the groups (deleted ones too) that list it as a direct member: a
  // principal's groups are found by walking up from it, not by visiting every group.
  std::unordered_map<std::string, std::vector<std::string>> member_of;
  std::unordered_map<std::string, std::string> upn_to_id;  // lowercased UPN -> user id
  std::unordered_map<std::string, std::string> app_to_id;  // appId -> service principal id
  std::unordered_map<std::string, CredentialRecord> credentials;
  OrderedMap<TotpRecord> totp_methods;
  std::unordered_map<std::string, SessionRecord> sessions;
  std::unordered_map<std::string, std::string> access_to_session;   // SHA-256 -> session id
  std::unordered_map<std::string, std::string> refresh_to_session;  // SHA-256 -> session id
  // SHA-256 of a rotated-away refresh token -> the live session that rotated it
  // (SessionRecord::used_refresh_hashes).
  std::unordered_map<std::string, std::string> used_refresh_to_session;
  OrderedMap<RoleDefinition> roles;
  // Bumped (under `mu`) after every change to `roles`; readers without the lock use it to tell
  // whether something they derived from a role definition is still current.
  std::atomic<uint64_t> roles_revision{0};
  OrderedMap<Schedule> schedules;
  OrderedMap<ScheduleRequest> requests;
  // Ids of the requests whose status is PendingApproval (kept by PutRequest and Load), so an
  // approver's listing does not visit every request ever made.
  std::unordered_set<std::string> pending_approval;
  OrderedMap<Approval> approvals;
  OrderedMap<Policy> policies;
  OrderedMap<PolicyAssignment> policy_assignments;
  std::set<std::string> timers_done;  // TimerMark ids
  // (when, "end:" / "start:" / "approval:" id, or "escalation:<approvalId>:<stepId>")
  std::set<std::pair<Timestamp, std::string>> deadlines;
  // Break-glass sign-in throttles by source (records.h), each purged by a "throttle:" deadline
  // once it no longer matters, and never more than options.sign_in_throttle_capacity.
  ThrottleTable sign_in_throttles;
  std::once_flag dummy_once;
  std::string dummy_password_hash;  // equalises timing for unknown user names (set once)

  std::atomic<int64_t> activation_count{0};

  // ---- Commit path (engine_state.cc) ----
  // Seals txn's audit events, adds a checkpoint, submits, releases `lock`, waits for the commit
  // and returns (inside a DeferCommits scope: returns without waiting, and the scope learns of
  // durability). A failed commit aborts the process (memory would diverge from disk).
  void Commit(ExclusiveLock& lock, Txn txn);
  // Commits txn (normally only its refusal audit records) and returns `refusal`.
  Status CommitRefusal(ExclusiveLock& lock, Txn txn, Status refusal);
  // Audits `e` as a failed (forbidden) action, commits it and returns PermissionDenied(message).
  Status RefuseForbidden(ExclusiveLock& lock, const Caller& caller, AuditEvent e,
                         std::string message);

  // ---- Audit events ----
  // An event initiated by `caller` (or by the system when caller is anonymous), time = now.
  AuditEvent Event(const Caller& caller, const char* category, const char* activity,
                   const char* operation_type) const;
  // An event initiated by the timer ("pim-timer", app).
  AuditEvent SystemEvent(const char* category, const char* activity, const char* operation_type,
                         const char* initiator = "pim-timer") const;
  // Appends `e` to txn; when the caller is a break-glass account, also (once per txn) records
  // "Break-glass account used".
  void Audit(Txn& txn, const Caller& caller, AuditEvent e) const;
  void Emit(Txn& txn, const char* type, std::string payload_json) const;
  AuditTarget PrincipalTarget(const std::string& id) const;
  AuditTarget RoleTarget(const std::string& id) const;

  // ---- Authorisation (decided through the DecisionIndex at now) ----
  bool HoldsAny(const std::string& principal, std::initializer_list<const char*> roles,
                const std::string& scope, Timestamp at) const;
  bool IsBreakGlass(const std::string& principal) const;
  // One of the permanent Global Administrator and Privileged Role Administrator assignments at
  // "/" that make a break-glass account one (CONTRACT.md: "permanent active Global Administrator
  // and Privileged Role Administrator"). No request may remove or bound them: that would leave
  // the organisation without its way in when the just-in-time path fails.
  bool IsBreakGlassAnchor(const Schedule& x) const;
  // GA or PRA active at a scope covering `scope`.
  bool IsRoleAdmin(const Caller& caller, const std::string& scope) const;
  // GA or User Administrator active at "/".
  bool IsUserAdmin(const Caller& caller) const;
  // Readers of everything: GA, PRA, Security Administrator, Security Reader, Global Reader.
  bool IsReader(const Caller& caller) const;

  // ---- Directory helpers ----
  const Principal* LivePrincipal(const std::string& id) const;  // not soft-deleted
  // Groups `principal` belongs to, transitively (nested groups), live groups only.
  std::set<std::string> GroupsOf(const std::string& principal) const;
  // True when `principal` is a member of `group_id`, transitively.
  bool IsMemberOf(const std::string& principal, const std::string& group_id) const;
  // True when what is given to `target` reaches `caller`: `target` is the caller or a group the
  // caller belongs to, transitively. No administrator may grant that way, except break-glass.
  bool GrantsToSelf(const Caller& caller, const std::string& target) const;
  // True for break-glass accounts, principals holding or eligible for any role (not ended),
  // directly or through a group they belong to (transitively), and approvers (IsApprover): who
  // takes over such an account takes over what it may do or approve.
  bool IsPrivilegedPrincipal(const std::string& id) const;
  // Calls visit(user_id, group_id) (one of them empty) for every approver named in a policy's
  // approval stages (primary or escalation) or in a stage of an approval still pending (the
  // policy as it was requested).
  void ForEachApprover(const std::function<void(const std::string& user_id,
                                                const std::string& group_id)>& visit) const;
  // The groups among them, lowercase.
  std::unordered_set<std::string> ApproverGroupIds() const;
  // True when `id` is named as an approver (singleUser) in a policy or a pending approval, or is
  // a member (transitively) of an approver group.
  bool IsApprover(const std::string& id) const;
  // Members of a group as the index should see them: live, enabled principals.
  std::vector<std::string> IndexedMembers(const Principal& group) const;

  // ---- Persistence helpers: write the object and queue its index update ----
  void PutPrincipal(Txn& txn, const Principal& p);
  // Keeps member_of in step when group `after` replaces `before` (nullptr: a new principal).
  void NoteMembers(const Principal* before, const Principal& after);
  void PutSchedule(Txn& txn, const Schedule& s);
  void PutRequest(Txn& txn, const ScheduleRequest& r);
  // Retires (OrderedMap::Retire) a schedule that is removed or ended by `now`, and a request
  // that no longer awaits an approver's or administrator's decision: the request paths' lookups
  // by principal (ForEachCurrentOf) then skip them. Called on every put and after Load, and by
  // the timer when a schedule ends.
  void RetireIfOver(const Schedule& s, Timestamp now);
  void RetireIfDecided(const ScheduleRequest& r);
  // Keeps pending_approval in step with r's status.
  void NoteRequestStatus(const ScheduleRequest& r);
  void PutApproval(Txn& txn, const Approval& a);
  void PutCredential(Txn& txn, const CredentialRecord& c);
  // Stores `s` and sets a deadline at its refresh expiry, when RunDueTimers purges it.
  void PutSession(Txn& txn, const SessionRecord& s);
  // Adds / removes a live session's token hashes to / from the lookup maps.
  void IndexSession(const SessionRecord& s);
  void UnindexSession(const SessionRecord& s);
  // Forgets session `id` and erases it from the store, unless it was refreshed past `now`.
  void PurgeSession(Txn& txn, const std::string& id, Timestamp now);
  // When throttle `t` stops mattering: it no longer blocks and its failures are forgotten.
  Timestamp ThrottleExpiry(const SignInThrottle& t) const;
  // Stores `t` (evicting the throttle that expires first when a new source would exceed the
  // capacity) and sets a deadline at its expiry.
  void PutThrottle(Txn& txn, const SignInThrottle& t);
  // Forgets the throttle of `source` and erases it from the store.
  void EraseThrottle(Txn& txn, const std::string& source);
  // EraseThrottle, unless a failure since this deadline was set keeps it past `now`.
  void PurgeThrottle(Txn& txn, const std::string& source, Timestamp now);
  // Queues index updates for every assignment of `principal` and every group containing it (after
  // its enabled/deleted state changed).
  void ResyncPrincipalInIndex(Txn& txn, const std::string& principal_id);
  // Whether the index should hold schedule `s` (an assignment of a live, enabled principal for
  // an existing, enabled role, not removed).
  bool ShouldIndex(const Schedule& s) const;
  void IndexOp(Txn& txn, const Schedule& s) const;
  void AddDeadlines(const Schedule& s);
  // The timeout deadline of `a`'s step in progress and, unless already recorded, its escalation.
  void AddApprovalDeadlines(const Approval& a);
  void MarkTimerDone(Txn& txn, const std::string& key);
  // Revokes every session of `principal` (disable, delete, password reset) but
  // `except_session_id` (the caller's own, after a password change).
  void RevokeSessionsOf(Txn& txn, const std::string& principal_id,
                        const std::string& except_session_id = {});
};

struct PimService::State : EngineState {
  using EngineState::EngineState;
};

// ---- Authentication helpers (auth_grants.cc; the sign-in limits: sign_in_limits.h) ----
// Verifies `code` against the user's verified TOTP methods with replay protection; on success
// advances the user's last used step (persisted in txn) and returns true.
bool CheckTotp(EngineState& s, Txn& txn, const std::string& user_id, const std::string& code,
               bool verified_only, const std::string& method_id = {});

// Activity names shared by several files.
namespace activity {
inline constexpr const char* kBreakGlassUsed = "Break-glass account used";
inline constexpr const char* kSourceThrottled = "Sign-in source throttled";
inline constexpr const char* kAssignmentExpired = "Role assignment expired";
inline constexpr const char* kEligibilityExpired = "Eligibility expired";
inline constexpr const char* kScheduledStart = "Scheduled assignment started";
}  // namespace activity

// Seeds an empty store: built-in roles, one policy per built-in role at "/", the organisation
// default policy, their policy assignments (policies.cc). Commits (and so releases `lock`).
void SeedCatalog(EngineState& s, ExclusiveLock& lock);
// Creates a default policy for `role_id` at "/" and its assignment (custom roles).
void AddRolePolicy(EngineState& s, Txn& txn, const std::string& role_id, bool global_admin);
// The policy that governs (role, canonical scope): most specific assignment at or above the
// scope, then the organisation default. nullptr only if the store holds no policy at all.
const Policy* FindEffectivePolicy(const EngineState& s, const std::string& role_id,
                                  const std::string& scope);

// Request details for audit records (who, what, role, scope, justification, ticket, times).
void AddRequestDetails(AuditEvent& e, const ScheduleRequest& r, const Schedule* s);

}  // namespace pim
