// Users: create, update, soft delete, and the directory reads. Creating and updating users needs
// an active User Administrator or Global Administrator; a privileged target (break-glass, or
// holding or eligible for any role) needs an active Global Administrator. Password hashing runs
// outside the engine lock.
#include <boost/json.hpp>

#include "core/role_catalog.h"
#include "engine/engine_state.h"
#include "engine/pim_service.h"
#include "engine/requests_internal.h"
#include "engine/store_codec.h"
#include "engine/validation.h"

namespace pim {
namespace {

constexpr const char* kNeedUserAdmin =
    "managing users needs an active User Administrator or Global Administrator role";
constexpr const char* kNeedGlobalAdmin =
    "managing a privileged account needs an active Global Administrator role";

bool IsGlobalAdmin(const EngineState& s, const Caller& c) {
  return s.HoldsAny(c.principal_id, {role_ids::kGlobalAdministrator}, "/", s.clock.Now());
}

// Empty when `caller` may manage user `target_id` (or a new user when empty); else the reason.
std::string UserAdminRefusal(const EngineState& s, const Caller& caller,
                             const std::string& target_id) {
  if (!s.IsUserAdmin(caller)) return kNeedUserAdmin;
  if (!target_id.empty() && s.IsPrivilegedPrincipal(target_id) && !IsGlobalAdmin(s, caller)) {
    return kNeedGlobalAdmin;
  }
  return {};
}

}  // namespace

Result<Principal> PimService::CreateUser(const Caller& caller, const NewUser& user) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  auto refuse = [&](ExclusiveLock& lock, std::string why) {
    AuditEvent e = s.Event(caller, "UserManagement", "Add user", "Add");
    e.details.emplace_back("userPrincipalName", user.user_principal_name);
    return s.RefuseForbidden(lock, caller, std::move(e), std::move(why));
  };
  if (std::string why = UserAdminRefusal(s, caller, ""); !why.empty()) {
    ExclusiveLock lock(s.mu);
    return refuse(lock, why);
  }
  RETURN_IF_ERROR(ValidateUpn(user.user_principal_name));
  RETURN_IF_ERROR(ValidateDisplayName(user.display_name));
  std::string hash;
  if (!user.password.empty()) {
    RETURN_IF_ERROR(ValidatePassword(user.password));
    ASSIGN_OR_RETURN(hash, HashPassword(user.password, s.options.password_cost));
  }
  ExclusiveLock lock(s.mu);
  if (s.upn_to_id.count(ToLower(user.user_principal_name))) {
    return AlreadyExists("userPrincipalName '" + user.user_principal_name + "' is already in use");
  }
  Principal p;
  p.id = s.ids.NewId();
  p.kind = PrincipalKind::kUser;
  p.display_name = user.display_name;
  p.user_principal_name = user.user_principal_name;
  p.mail = user.mail;
  p.account_enabled = user.account_enabled;
  p.created = s.clock.Now();
  Txn txn;
  s.PutPrincipal(txn, p);
  s.upn_to_id[ToLower(p.user_principal_name)] = p.id;
  if (!hash.empty()) {
    CredentialRecord cred;
    cred.principal_id = p.id;
    cred.password_hash = std::move(hash);
    s.PutCredential(txn, cred);
  }
  AuditEvent e = s.Event(caller, "UserManagement", "Add user", "Add");
  e.targets.push_back(s.PrincipalTarget(p.id));
  e.details.emplace_back("accountEnabled", p.account_enabled ? "true" : "false");
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return p;
}

Result<Principal> PimService::UpdateUser(const Caller& caller, const std::string& id,
                                         const UserPatch& patch) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  if (patch.display_name) RETURN_IF_ERROR(ValidateDisplayName(*patch.display_name));
  std::string hash;
  bool may_update = false;
  {
    SharedLock lock(s.mu);
    const Principal* p = s.LivePrincipal(id);
    if (!p || p->kind != PrincipalKind::kUser) return NotFound("user '" + id + "' not found");
    may_update = UserAdminRefusal(s, caller, id).empty();
  }
  if (patch.password && may_update) {
    RETURN_IF_ERROR(ValidatePassword(*patch.password));
    ASSIGN_OR_RETURN(hash, HashPassword(*patch.password, s.options.password_cost));
  }
  ExclusiveLock lock(s.mu);
  const Principal* current = s.LivePrincipal(id);
  if (!current || current->kind != PrincipalKind::kUser) {
    return NotFound("user '" + id + "' not found");
  }
  AuditEvent e = s.Event(caller, "UserManagement", "Update user", "Update");
  e.targets.push_back(s.PrincipalTarget(id));
  if (std::string why = UserAdminRefusal(s, caller, id);
      !why.empty() || (patch.password && hash.empty())) {
    return s.RefuseForbidden(lock, caller, std::move(e), why.empty() ? kNeedUserAdmin : why);
  }
  if (patch.account_enabled && !*patch.account_enabled && id == caller.principal_id) {
    return InvalidArgument("you cannot disable your own account");
  }
  Principal p = *current;
  AuditTarget& t = e.targets.back();
  Txn txn;
  if (patch.display_name && *patch.display_name != p.display_name) {
    t.modified.emplace_back("displayName", p.display_name, *patch.display_name);
    p.display_name = *patch.display_name;
  }
  if (patch.mail && *patch.mail != p.mail) {
    t.modified.emplace_back("mail", p.mail, *patch.mail);
    p.mail = *patch.mail;
  }
  bool kill_sessions = false;
  bool enabled_changed = patch.account_enabled && *patch.account_enabled != p.account_enabled;
  if (enabled_changed) {
    t.modified.emplace_back("accountEnabled", p.account_enabled ? "true" : "false",
                            *patch.account_enabled ? "true" : "false");
    p.account_enabled = *patch.account_enabled;
    kill_sessions = !p.account_enabled;
  }
  if (patch.password) {
    CredentialRecord cred = s.credentials[p.id];
    cred.principal_id = p.id;
    cred.password_hash = hash;
    cred.failed_attempts = 0;
    cred.locked_until.reset();
    s.PutCredential(txn, cred);
    t.modified.emplace_back("password", "", "(reset)");
    kill_sessions = true;
  }
  s.PutPrincipal(txn, p);
  if (kill_sessions) s.RevokeSessionsOf(txn, p.id);
  if (enabled_changed) {
    // A disabled account's just-in-time access ends now, not just while it is disabled:
    // re-enabling it restores its standing grants only. Re-enabling ends it too, for an account
    // disabled by a version that left it in place (nothing else can hold any while disabled).
    EndJustInTimeAccessOf(s, txn, p.id, kRequestorDisabled, e);
    s.ResyncPrincipalInIndex(txn, p.id);
  }
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return p;
}

Status PimService::RevokeSignInSessions(const Caller& caller, const std::string& id) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  const Principal* user = s.LivePrincipal(id);
  if (!user || user->kind != PrincipalKind::kUser) return NotFound("user '" + id + "' not found");
  const std::string user_id = user->id;
  AuditEvent e = s.Event(caller, "UserManagement", "Revoke sign-in sessions", "Update");
  e.targets.push_back(s.PrincipalTarget(user_id));
  if (user_id != caller.principal_id) {
    if (std::string why = UserAdminRefusal(s, caller, user_id); !why.empty()) {
      return s.RefuseForbidden(lock, caller, std::move(e), why);
    }
  }
  Txn txn;
  s.RevokeSessionsOf(txn, user_id);
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return Status::Ok();
}

Status PimService::DeleteUser(const Caller& caller, const std::string& id) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  const Principal* current = s.LivePrincipal(id);
  if (!current || current->kind != PrincipalKind::kUser) {
    return NotFound("user '" + id + "' not found");
  }
  AuditEvent e = s.Event(caller, "UserManagement", "Delete user", "Delete");
  e.targets.push_back(s.PrincipalTarget(id));
  if (std::string why = UserAdminRefusal(s, caller, id); !why.empty()) {
    return s.RefuseForbidden(lock, caller, std::move(e), why);
  }
  if (id == caller.principal_id) return InvalidArgument("you cannot delete your own account");
  const Timestamp now = s.clock.Now();
  Principal p = *current;
  p.deleted = now;
  Txn txn;
  s.PutPrincipal(txn, p);
  s.upn_to_id.erase(ToLower(p.user_principal_name));
  s.RevokeSessionsOf(txn, p.id);
  // Deleting a principal ends its grants now (they would otherwise outlive the account), and
  // the requests still waiting for a decision, so nobody approves a role for it.
  CancelPendingRequestsOf(s, txn, p.id, kRequestorDeleted, e);
  RevokeSchedulesOf(s, txn, p.id, e);
  s.ResyncPrincipalInIndex(txn, p.id);
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return Status::Ok();
}

Result<Principal> PimService::GetPrincipal(const Caller& caller, const std::string& id) const {
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  SharedLock lock(state_->mu);
  const Principal* p = state_->principals.Find(ToLower(id));
  if (!p) return NotFound("directory object '" + id + "' not found");
  return *p;
}

Result<std::vector<Principal>> PimService::ListPrincipals(const Caller& caller,
                                                          PrincipalKind kind) const {
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  SharedLock lock(state_->mu);
  std::vector<Principal> out;
  state_->principals.ForEach([&](const Principal& p) {
    if (p.kind == kind && !p.deleted) out.push_back(p);
  });
  return out;
}

Result<Principal> PimService::FindUser(const Caller& caller, const std::string& upn_or_id) const {
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  SharedLock lock(state_->mu);
  auto it = state_->upn_to_id.find(ToLower(upn_or_id));
  const Principal* p = it != state_->upn_to_id.end() ? state_->principals.Find(it->second)
                                                     : state_->principals.Find(ToLower(upn_or_id));
  if (!p || p->kind != PrincipalKind::kUser) return NotFound("user '" + upn_or_id + "' not found");
  return *p;
}

}  // namespace pim
