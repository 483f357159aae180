// PimService: the engine. Holds the organisation's state in memory, applies every change through
// the Store in one transaction with its audit records and outbox events, enforces policy, runs the
// approval workflow and the timers, and answers access decisions.
//
// Concurrency: reads take a shared lock; changes take the exclusive lock only to validate, apply
// in memory, seal audit records and Submit() to the store, then wait for the commit WITHOUT the
// lock (so commits group). A mutating call returns only after its change is durable. The decision
// index (decision_index.h) is updated on the store's writer thread, after the commit and before
// the call returns: a grant is effective from its commit, never before.
// If the store fails to commit, the process aborts (memory would otherwise diverge from disk);
// restart reloads the durable state.
//
// Authorisation (deny by default) is checked here, not in http: every method takes the Caller.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audit/audit.h"
#include "auth/crypto.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/model.h"
#include "core/policy.h"
#include "core/status.h"
#include "engine/decision.h"
#include "store/store.h"

namespace pim {

// Who is calling, as established by Authenticate().
struct Caller {
  std::string principal_id;  // empty: anonymous (every engine call but sign-in refuses it)
  PrincipalKind kind = PrincipalKind::kUser;
  std::string session_id;
  std::optional<Timestamp> mfa_time;  // when MFA was last proven in this session
  std::string ip;
  bool anonymous() const { return principal_id.empty(); }
};

struct EngineOptions {
  Duration mfa_freshness = Duration::Minutes(5);
  int lockout_threshold = 5;
  Duration lockout_duration = Duration::Minutes(15);
  // Failed sign-ins from one source (any accounts, unknown names included; break-glass accounts
  // have their own throttle) within lockout_duration of each other that block every sign-in from
  // it for lockout_duration: password spraying spreads its guesses over many accounts, each
  // staying under lockout_threshold. 0: no such limit.
  int source_lockout_threshold = 20;
  // Sources with a break-glass sign-in throttle kept at once (each costs ~200 bytes of memory
  // and a stored object); past it, the one expiring first goes. Failed sign-ins cost an argon2id
  // hash each, so reaching it takes tens of thousands of addresses within a lockout duration.
  size_t sign_in_throttle_capacity = 65536;
  Duration access_token_lifetime = Duration::Hours(1);
  Duration refresh_token_lifetime = Duration::Days(14);
  PasswordCost password_cost;
  // Where AuditChain checkpoints are copied outside the database ("" = don't).
  std::string checkpoint_file;
};

struct TokenGrant {
  std::string access_token;
  std::string refresh_token;  // empty for client_credentials
  int64_t expires_in = 3600;
  std::optional<Timestamp> mfa_time;
};

struct NewUser {
  std::string display_name;
  std::string user_principal_name;
  std::string mail;
  std::string password;
  bool account_enabled = true;
};

struct UserPatch {
  std::optional<std::string> display_name;
  std::optional<std::string> mail;
  std::optional<bool> account_enabled;
  std::optional<std::string> password;
};

struct NewGroup {
  std::string display_name;
  std::string description;
  bool is_assignable_to_role = true;
  std::vector<std::string> member_ids;
};

struct NewServicePrincipal {
  std::string display_name;
  std::string description;
};

// passwordCredential as Graph returns it from addPassword; secret_text only in that response.
struct PasswordCredential {
  std::string key_id;
  std::string display_name;
  std::string secret_text;
  std::string hint;  // first 3 characters
  Timestamp start;
  Timestamp end;
};

struct TotpMethod {
  std::string id;
  std::string user_id;
  bool verified = false;
  Timestamp created;
};

struct TotpEnrollment {
  TotpMethod method;
  std::string secret_key;  // base32, shown once
  std::string otpauth_uri;
};

// The fields of a POST to a schedule-request collection, after JSON decoding. Validation of
// values (ids exist, scope syntax, durations, policy) is the engine's.
struct ScheduleRequestInput {
  ScheduleKind kind = ScheduleKind::kAssignment;
  RequestAction action = RequestAction::kSelfActivate;
  std::string principal_id;
  std::string role_definition_id;
  std::string directory_scope_id;
  std::string justification;
  std::string ticket_number;
  std::string ticket_system;
  ScheduleInfo schedule_info;
  bool is_validation_only = false;
  std::string target_schedule_id;
  std::string custom_data;
};

// A computed schedule instance (no recurrence: one per schedule currently in force).
struct ScheduleInstance {
  std::string id;  // equals the schedule id
  Schedule schedule;
};

// One chunk of a listing in creation order: the objects the caller may see among at most
// `limit` stored ones from position `from`, each with its position; `resume` is where the next
// chunk starts (nullopt: at the end). A listing of the whole history goes chunk by chunk, so the
// engine's lock is never held for all of it and only one chunk is copied at a time.
template <typename T>
struct ListChunk {
  std::vector<std::pair<uint64_t, T>> items;
  std::optional<uint64_t> resume;
};

class DecisionIndex;

class PimService {
 public:
  PimService(Store& store, const Clock& clock, IdGenerator& ids, const AuditSigner& signer,
             const SecretBox& secrets, EngineOptions options);
  ~PimService();
  PimService(const PimService&) = delete;
  PimService& operator=(const PimService&) = delete;

  // Loads all state from the store; on an empty store seeds the built-in role catalog and default
  // policies. Call once before anything else.
  Status Load();
  // True once Bootstrap has created the first administrator.
  bool IsInitialized() const;
  // Creates the first administrator: a break-glass user with permanent active Global
  // Administrator and Privileged Role Administrator. FailedPrecondition if already initialised.
  Result<Principal> Bootstrap(const std::string& upn, const std::string& password);

  // ---- Authentication (CONTRACT.md "Authentication") ----
  Result<TokenGrant> PasswordGrant(const std::string& username, const std::string& password,
                                   const std::optional<std::string>& otp, const std::string& ip);
  Result<TokenGrant> ClientCredentialsGrant(const std::string& client_id, const std::string& secret,
                                            const std::string& ip);
  Result<TokenGrant> RefreshGrant(const std::string& refresh_token,
                                  const std::optional<std::string>& otp, const std::string& ip);
  // Resolves a bearer token. Unauthenticated for unknown, expired, revoked tokens or disabled
  // principals. Hot path: shared lock, hash lookup.
  Result<Caller> Authenticate(const std::string& access_token, const std::string& ip) const;
  // Revokes the caller's own session (sign-out).
  Status RevokeSession(const Caller& caller);
  // RFC 7009 token revocation: ends the session that issued `token` (an access token, or a
  // current or rotated-away refresh token of it). Whoever holds a token may end its session, so
  // no other credential is asked for. Ok for unknown, expired and already revoked tokens.
  Status RevokeToken(const std::string& token, const std::string& ip);
  Result<TotpEnrollment> EnrollTotp(const Caller& caller);
  Status VerifyTotpEnrollment(const Caller& caller, const std::string& method_id,
                              const std::string& code);
  Result<std::vector<TotpMethod>> ListTotpMethods(const Caller& caller,
                                                  const std::string& user_id) const;

  // ---- Directory ----
  Result<Principal> CreateUser(const Caller& caller, const NewUser& user);
  Result<Principal> UpdateUser(const Caller& caller, const std::string& id, const UserPatch& patch);
  Status DeleteUser(const Caller& caller, const std::string& id);
  // Graph's revokeSignInSessions: ends every session of user `id` (its access and refresh
  // tokens stop working). A user may end their own; anyone else's needs what updating that user
  // needs.
  Status RevokeSignInSessions(const Caller& caller, const std::string& id);
  // Graph's changePassword (POST /me/changePassword): the caller, a user, proves its current
  // password and sets a new one (ValidatePassword's rules; not the current one again). A wrong
  // current password counts as a failed sign-in (lockout, source limit) and is PermissionDenied;
  // while the account is locked or the source blocked, ResourceExhausted with retry_after. Every
  // other session of the user ends; the caller's stays.
  Status ChangeOwnPassword(const Caller& caller, const std::string& current_password,
                           const std::string& new_password);
  Result<Principal> CreateGroup(const Caller& caller, const NewGroup& group);
  Status AddGroupMember(const Caller& caller, const std::string& group_id,
                        const std::string& member_id);
  Status RemoveGroupMember(const Caller& caller, const std::string& group_id,
                           const std::string& member_id);
  Status DeleteGroup(const Caller& caller, const std::string& id);
  Result<Principal> CreateServicePrincipal(const Caller& caller, const NewServicePrincipal& sp);
  Result<PasswordCredential> AddServicePrincipalPassword(const Caller& caller,
                                                         const std::string& sp_id,
                                                         const std::string& display_name);
  // Removes one client secret (Graph's removePassword) and revokes the service principal's
  // sessions, so a leaked secret stops working at once, tokens it already bought included.
  Status RemoveServicePrincipalPassword(const Caller& caller, const std::string& sp_id,
                                        const std::string& key_id);
  // Soft-deletes a service principal: its secrets stop working, its sessions are revoked and
  // its grants end now.
  Status DeleteServicePrincipal(const Caller& caller, const std::string& sp_id);
  // Any principal by id (users, groups, service principals), including soft-deleted ones.
  Result<Principal> GetPrincipal(const Caller& caller, const std::string& id) const;
  // Principals of a kind, creation order, soft-deleted excluded.
  Result<std::vector<Principal>> ListPrincipals(const Caller& caller, PrincipalKind kind) const;
  // Looks a user up by UPN (case-insensitive) or id.
  Result<Principal> FindUser(const Caller& caller, const std::string& upn_or_id) const;

  // ---- Role definitions ----
  Result<std::vector<RoleDefinition>> ListRoleDefinitions(const Caller& caller) const;
  Result<RoleDefinition> GetRoleDefinition(const Caller& caller, const std::string& id) const;
  // Changes whenever any role definition is created, updated or deleted (lock-free; for caches
  // of derived data such as a serialized role definition).
  uint64_t RoleDefinitionsRevision() const;
  // True when another thread holds the engine's lock now, so a mutation starting now would wait
  // for it. A hint (it may change at once): for choosing where to run a mutation.
  bool IsBusy() const;
  Result<RoleDefinition> CreateRoleDefinition(const Caller& caller, RoleDefinition def);
  // Replaces the mutable fields (displayName, description, isEnabled, rolePermissions) of a
  // custom role; built-ins are read-only (FailedPrecondition... 400).
  Result<RoleDefinition> UpdateRoleDefinition(const Caller& caller, const std::string& id,
                                              RoleDefinition def);
  Status DeleteRoleDefinition(const Caller& caller, const std::string& id);

  // ---- Schedule requests, schedules, instances ----
  // Applies the request's action. Returns the request object as stored (or, for
  // isValidationOnly, as it would be, without storing anything). Refusals by policy return
  // InvalidArgument with error code RoleAssignmentRequestPolicyValidationFailed.
  Result<ScheduleRequest> SubmitRequest(const Caller& caller, const ScheduleRequestInput& input);
  // Cancels a PendingApproval (or future-scheduled) request of the caller's (or as admin).
  Status CancelRequest(const Caller& caller, ScheduleKind kind, const std::string& request_id);
  Result<ScheduleRequest> GetRequest(const Caller& caller, ScheduleKind kind,
                                     const std::string& id) const;
  // Requests the caller may see (all for administrators and readers, own otherwise).
  Result<std::vector<ScheduleRequest>> ListRequests(const Caller& caller, ScheduleKind kind) const;
  // ListRequests one chunk at a time (see ListChunk). A non-empty `principal` visits only that
  // principal's objects (a `principalId eq` filter: the caller filters the rest as usual).
  Result<ListChunk<ScheduleRequest>> ScanRequests(const Caller& caller, ScheduleKind kind,
                                                  uint64_t from, size_t limit,
                                                  const std::string& principal = "") const;
  // filterByCurrentUser(on='principal') and (on='approver'): requests the caller must review.
  Result<std::vector<ScheduleRequest>> ListRequestsForCurrentUser(const Caller& caller,
                                                                  ScheduleKind kind,
                                                                  bool as_approver) const;
  Result<Schedule> GetSchedule(const Caller& caller, ScheduleKind kind,
                               const std::string& id) const;
  // Schedules not yet ended or removed (pending future starts included).
  Result<std::vector<Schedule>> ListSchedules(const Caller& caller, ScheduleKind kind,
                                              bool current_user_only) const;
  // ListSchedules and ListInstances (not only the caller's own) one chunk at a time.
  Result<ListChunk<Schedule>> ScanSchedules(const Caller& caller, ScheduleKind kind, uint64_t from,
                                            size_t limit, const std::string& principal = "") const;
  Result<ListChunk<ScheduleInstance>> ScanInstances(const Caller& caller, ScheduleKind kind,
                                                    uint64_t from, size_t limit,
                                                    const std::string& principal = "") const;
  // The instance of schedule `id` if it is in force now and the caller may see it.
  Result<ScheduleInstance> GetInstance(const Caller& caller, ScheduleKind kind,
                                       const std::string& id) const;
  // Instances in force now.
  Result<std::vector<ScheduleInstance>> ListInstances(const Caller& caller, ScheduleKind kind,
                                                      bool current_user_only) const;

  // ---- Approvals ----
  Result<Approval> GetApproval(const Caller& caller, const std::string& approval_id) const;
  // result: "Approve" or "Deny" (case-insensitive; also Approved/Denied).
  Status ReviewApprovalStep(const Caller& caller, const std::string& approval_id,
                            const std::string& step_id, const std::string& result,
                            const std::string& justification);
  // True when `caller` may review that step now (assignedToMe).
  bool IsAssignedApprover(const Caller& caller, const Approval& approval,
                          const ApprovalStep& step) const;

  // ---- Policies ----
  Result<std::vector<Policy>> ListPolicies(const Caller& caller) const;
  Result<Policy> GetPolicy(const Caller& caller, const std::string& policy_id) const;
  // Replaces one rule from its Graph JSON (the rule's @odata.type must match). Needs an active
  // Privileged Role Administrator or Global Administrator.
  Result<Policy> PatchPolicyRule(const Caller& caller, const std::string& policy_id,
                                 const std::string& rule_id, const std::string& rule_json);
  Result<std::vector<PolicyAssignment>> ListPolicyAssignments(const Caller& caller) const;
  // The policy that governs (role, scope) per CONTRACT.md.
  Result<Policy> EffectivePolicy(const std::string& role_definition_id,
                                 const std::string& scope) const;

  // ---- Audit ----
  // Readers of the audit log: active GA, PRA, Security Administrator, Security Reader,
  // Global Reader, and break-glass accounts.
  Status CheckCanReadAudit(const Caller& caller) const;
  // `witnessed`: checkpoints the caller kept elsewhere (LatestAuditCheckpoint's, saved off the
  // host), checked like the database's and the checkpoint file's.
  Result<AuditVerifyReport> VerifyAuditLog(const Caller& caller,
                                           const std::vector<AuditCheckpoint>& witnessed = {});
  // The newest signed checkpoint in the database (nullopt before the first record), for
  // keeping off the host; and the public key that verifies it (PEM).
  Result<std::optional<AuditCheckpoint>> LatestAuditCheckpoint(const Caller& caller);
  std::string AuditPublicKeyPem() const;

  // ---- Decisions (lock-free read of the decision index) ----
  Decision HasRole(const std::string& principal_id, const std::string& role_definition_id,
                   const std::string& scope, Timestamp at) const;
  Decision HasPermission(const std::string& principal_id, const std::string& resource_action,
                         const std::string& scope, Timestamp at) const;

  // ---- Timers ----
  // The earliest instant at which RunDueTimers has work (expiry, approval timeout, scheduled
  // start, eligibility expiry); Timestamp::Max() if none.
  Timestamp NextDeadline() const;
  // Writes the audit records and outbox events for everything due at clock.Now().
  Status RunDueTimers();

  // ---- Metrics ----
  int64_t ActiveAssignmentCount() const;
  int64_t PendingApprovalCount() const;
  // "" normally. Otherwise why the audit checkpoint file outside the database does not describe
  // the log Load() found (it covers records the log lacks, the log's record has another hash, it
  // is malformed or its signature is wrong): the file is then evidence, and this service leaves
  // it as it is instead of replacing it after each commit, so `audit verify` keeps reporting it.
  const std::string& CheckpointFileProblem() const;
  int64_t ActivationCount() const;  // selfActivate requests granted since start

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pim
