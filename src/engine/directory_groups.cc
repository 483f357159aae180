// Groups and service principals. Role-assignable groups, and the groups nested in them (their
// memberships confer roles), are managed by active Privileged Role Administrators or Global
// Administrators; other groups also by User Administrators.
// Service principals and their secrets need an active Global Administrator, Privileged Role
// Administrator or Application Administrator; a privileged one (holding or eligible for a role)
// needs an active Global Administrator, as a privileged user does.
#include <algorithm>
#include <boost/json.hpp>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/role_catalog.h"
#include "engine/engine_state.h"
#include "engine/pim_service.h"
#include "engine/requests_internal.h"
#include "engine/store_codec.h"
#include "engine/validation.h"

namespace pim {
namespace {

constexpr Duration kClientSecretLifetime = Duration::Days(730);
constexpr const char* kNeedAppAdmin =
    "managing service principals needs an active Application Administrator, Privileged Role "
    "Administrator or Global Administrator role";
// Membership of such a group is a role (or the power to approve one) given without policy.
constexpr const char* kNoSelfMembership =
    "an administrator cannot add themselves, or a group they belong to, to a role-assignable or "
    "approver group (or a group nested in one); another administrator must";
constexpr const char* kNeedGlobalAdmin =
    "managing a privileged service principal needs an active Global Administrator role";

// True when membership of group `g` confers roles or the power to grant them: it is
// role-assignable or approves requests, or is a member (at any depth) of such a group, whose
// members include its members.
bool ConfersRoles(const EngineState& s, const Principal& g) {
  if (g.is_assignable_to_role) return true;
  const std::unordered_set<std::string> approvers = s.ApproverGroupIds();
  if (approvers.count(g.id)) return true;
  for (const std::string& id : s.GroupsOf(g.id)) {
    const Principal* above = s.principals.Find(id);
    if (above != nullptr && (above->is_assignable_to_role || approvers.count(id))) return true;
  }
  return false;
}

std::string GroupRefusal(const EngineState& s, const Caller& caller, bool assignable) {
  if (s.IsRoleAdmin(caller, "/")) return {};
  if (!assignable && s.IsUserAdmin(caller)) return {};
  return assignable ? "managing a role-assignable or approver group, or a group nested in one, "
                      "needs an active Privileged Role Administrator or Global Administrator role"
                    : "managing groups needs an active User Administrator, Privileged Role "
                      "Administrator or Global Administrator role";
}

bool MayManageApps(const EngineState& s, const Caller& caller) {
  return s.HoldsAny(caller.principal_id,
                    {role_ids::kGlobalAdministrator, role_ids::kPrivilegedRoleAdministrator,
                     role_ids::kApplicationAdministrator},
                    "/", s.clock.Now());
}

// A live service principal about to be changed, with the audit record of the change.
struct ManagedServicePrincipal {
  std::string id;
  AuditEvent event;
};

// The service principal `sp_id` for a change audited as `activity` (with `extra` details), or
// NotFound, or the committed refusal when the caller may not manage service principals.
Result<ManagedServicePrincipal> ServicePrincipalToChange(
    EngineState& s, ExclusiveLock& lock, const Caller& caller, const std::string& sp_id,
    const char* activity, const char* operation, const Details& extra = {}) {
  const Principal* sp = s.LivePrincipal(ToLower(sp_id));
  if (!sp || sp->kind != PrincipalKind::kServicePrincipal) {
    return NotFound("servicePrincipal '" + sp_id + "' not found");
  }
  ManagedServicePrincipal out{sp->id,
                              s.Event(caller, "ApplicationManagement", activity, operation)};
  out.event.targets.push_back(s.PrincipalTarget(out.id));
  for (const auto& d : extra) out.event.details.push_back(d);
  if (!MayManageApps(s, caller)) {
    return s.RefuseForbidden(lock, caller, std::move(out.event), kNeedAppAdmin);
  }
  // A secret of a privileged service principal is its roles, outside their policies.
  if (s.IsPrivilegedPrincipal(out.id) &&
      !s.HoldsAny(caller.principal_id, {role_ids::kGlobalAdministrator}, "/", s.clock.Now())) {
    return s.RefuseForbidden(lock, caller, std::move(out.event), kNeedGlobalAdmin);
  }
  return out;
}

void QueueGroupIndex(EngineState& s, Txn& txn, const Principal& g) {
  txn.index_ops.push_back([id = g.id, members = s.IndexedMembers(g)](DecisionIndex& ix) {
    ix.SetGroupMembers(id, members);
  });
}

// An activation made through a group's eligibility rests on its holder's membership of that
// group. After a membership change that may have cut that path (`start` left a group, or a group
// on its way up was deleted), ends the activations of `start` and of everyone below it that no
// longer reach the group holding their eligibility, as removing that eligibility would.
void EndActivationsOutsideTheirGroups(EngineState& s, Txn& txn, const std::string& start,
                                      AuditEvent& e) {
  const Timestamp now = s.clock.Now();
  std::set<std::string> below{start};
  std::vector<std::string> todo{start};
  while (!todo.empty()) {
    const Principal* p = s.principals.Find(todo.back());
    todo.pop_back();
    if (p == nullptr || p->kind != PrincipalKind::kGroup) continue;
    for (const std::string& m : p->members) {
      if (below.insert(m).second) todo.push_back(m);
    }
  }
  std::vector<Schedule> ended;
  for (const std::string& id : below) {
    std::set<std::string> groups;
    bool groups_known = false;
    s.schedules.ForEachCurrentOf(id, [&](const Schedule& x) {
      if (x.kind != ScheduleKind::kAssignment || x.removed || x.end <= now ||
          x.member_type != "Group") {
        return;
      }
      const Schedule* eligibility = s.schedules.Find(x.activated_using);
      if (eligibility == nullptr) return;
      if (!groups_known) {
        groups = s.GroupsOf(id);
        groups_known = true;
      }
      if (!groups.count(eligibility->principal_id)) ended.push_back(x);
    });
  }
  for (Schedule& x : ended) RevokeSchedule(s, txn, std::move(x), e);
}

}  // namespace

Result<Principal> PimService::CreateGroup(const Caller& caller, const NewGroup& group) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  RETURN_IF_ERROR(ValidateDisplayName(group.display_name));
  ExclusiveLock lock(s.mu);
  AuditEvent e = s.Event(caller, "GroupManagement", "Add group", "Add");
  e.details.emplace_back("displayName", group.display_name);
  if (std::string why = GroupRefusal(s, caller, group.is_assignable_to_role); !why.empty()) {
    return s.RefuseForbidden(lock, caller, std::move(e), why);
  }
  Principal g;
  g.id = s.ids.NewId();
  g.kind = PrincipalKind::kGroup;
  g.display_name = group.display_name;
  g.description = group.description;
  g.is_assignable_to_role = group.is_assignable_to_role;
  g.created = s.clock.Now();
  for (const auto& raw : group.member_ids) {
    std::string m = ToLower(raw);
    if (!IsGuid(m) || !s.LivePrincipal(m)) return NotFound("member '" + raw + "' not found");
    if (group.is_assignable_to_role && s.GrantsToSelf(caller, m)) {
      return s.RefuseForbidden(lock, caller, std::move(e), kNoSelfMembership);
    }
    if (std::find(g.members.begin(), g.members.end(), m) == g.members.end()) g.members.push_back(m);
  }
  Txn txn;
  s.PutPrincipal(txn, g);
  QueueGroupIndex(s, txn, g);
  e.targets.push_back(s.PrincipalTarget(g.id));
  for (const auto& m : g.members) e.details.emplace_back("memberId", m);
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return g;
}

Status PimService::AddGroupMember(const Caller& caller, const std::string& group_id,
                                  const std::string& member_id) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  const Principal* gp = s.LivePrincipal(ToLower(group_id));
  if (!gp || gp->kind != PrincipalKind::kGroup)
    return NotFound("group '" + group_id + "' not found");
  Principal g = *gp;
  AuditEvent e = s.Event(caller, "GroupManagement", "Add member to group", "Assign");
  e.targets.push_back(s.PrincipalTarget(g.id));
  if (std::string why = GroupRefusal(s, caller, ConfersRoles(s, g)); !why.empty()) {
    return s.RefuseForbidden(lock, caller, std::move(e), why);
  }
  std::string m = ToLower(member_id);
  if (!IsGuid(m) || !s.LivePrincipal(m)) return NotFound("member '" + member_id + "' not found");
  if (ConfersRoles(s, g) && s.GrantsToSelf(caller, m)) {
    return s.RefuseForbidden(lock, caller, std::move(e), kNoSelfMembership);
  }
  if (m == g.id || s.IsMemberOf(g.id, m)) {
    return InvalidArgument("adding this member would make the group contain itself");
  }
  if (std::find(g.members.begin(), g.members.end(), m) != g.members.end()) {
    return AlreadyExists("'" + member_id + "' is already a member of the group");
  }
  g.members.push_back(m);
  Txn txn;
  s.PutPrincipal(txn, g);
  QueueGroupIndex(s, txn, g);
  e.targets.push_back(s.PrincipalTarget(m));
  s.Audit(txn, caller, std::move(e));
  s.Emit(txn, "groupMemberAdded",
         boost::json::serialize(boost::json::object{{"groupId", g.id}, {"memberId", m}}));
  s.Commit(lock, std::move(txn));
  return Status::Ok();
}

Status PimService::RemoveGroupMember(const Caller& caller, const std::string& group_id,
                                     const std::string& member_id) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  const Principal* gp = s.LivePrincipal(ToLower(group_id));
  if (!gp || gp->kind != PrincipalKind::kGroup)
    return NotFound("group '" + group_id + "' not found");
  Principal g = *gp;
  AuditEvent e = s.Event(caller, "GroupManagement", "Remove member from group", "Unassign");
  e.targets.push_back(s.PrincipalTarget(g.id));
  if (std::string why = GroupRefusal(s, caller, ConfersRoles(s, g)); !why.empty()) {
    return s.RefuseForbidden(lock, caller, std::move(e), why);
  }
  std::string m = ToLower(member_id);
  auto it = std::find(g.members.begin(), g.members.end(), m);
  if (it == g.members.end()) return NotFound("'" + member_id + "' is not a member of the group");
  g.members.erase(it);
  Txn txn;
  s.PutPrincipal(txn, g);
  QueueGroupIndex(s, txn, g);
  e.targets.push_back(s.PrincipalTarget(m));
  EndActivationsOutsideTheirGroups(s, txn, m, e);
  s.Audit(txn, caller, std::move(e));
  s.Emit(txn, "groupMemberRemoved",
         boost::json::serialize(boost::json::object{{"groupId", g.id}, {"memberId", m}}));
  s.Commit(lock, std::move(txn));
  return Status::Ok();
}

Status PimService::DeleteGroup(const Caller& caller, const std::string& id) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  const Principal* gp = s.LivePrincipal(ToLower(id));
  if (!gp || gp->kind != PrincipalKind::kGroup) return NotFound("group '" + id + "' not found");
  Principal g = *gp;
  AuditEvent e = s.Event(caller, "GroupManagement", "Delete group", "Delete");
  e.targets.push_back(s.PrincipalTarget(g.id));
  if (std::string why = GroupRefusal(s, caller, ConfersRoles(s, g)); !why.empty()) {
    return s.RefuseForbidden(lock, caller, std::move(e), why);
  }
  const Timestamp now = s.clock.Now();
  g.deleted = now;
  Txn txn;
  s.PutPrincipal(txn, g);
  // Revoking the group's eligibilities also ends the activations its members made through them.
  RevokeSchedulesOf(s, txn, g.id, e);
  // Members' activations through the groups above this one lose their path too.
  for (const std::string& m : g.members) EndActivationsOutsideTheirGroups(s, txn, m, e);
  s.ResyncPrincipalInIndex(txn, g.id);
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return Status::Ok();
}

Result<Principal> PimService::CreateServicePrincipal(const Caller& caller,
                                                     const NewServicePrincipal& sp) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  RETURN_IF_ERROR(ValidateDisplayName(sp.display_name));
  ExclusiveLock lock(s.mu);
  AuditEvent e = s.Event(caller, "ApplicationManagement", "Add service principal", "Add");
  e.details.emplace_back("displayName", sp.display_name);
  if (!MayManageApps(s, caller)) {
    return s.RefuseForbidden(lock, caller, std::move(e), kNeedAppAdmin);
  }
  Principal p;
  p.id = s.ids.NewId();
  p.kind = PrincipalKind::kServicePrincipal;
  p.display_name = sp.display_name;
  p.description = sp.description;
  p.app_id = s.ids.NewId();
  p.created = s.clock.Now();
  Txn txn;
  s.PutPrincipal(txn, p);
  s.app_to_id[p.app_id] = p.id;
  e.targets.push_back(s.PrincipalTarget(p.id));
  e.details.emplace_back("appId", p.app_id);
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return p;
}

Status PimService::RemoveServicePrincipalPassword(const Caller& caller, const std::string& sp_id,
                                                  const std::string& key_id) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  ASSIGN_OR_RETURN(
      ManagedServicePrincipal sp,
      ServicePrincipalToChange(s, lock, caller, sp_id, "Remove service principal credentials",
                               "Update", {{"keyId", key_id}}));
  const std::string& id = sp.id;
  AuditEvent& e = sp.event;
  auto cred = s.credentials.find(id);
  if (cred == s.credentials.end()) {
    return NotFound("no password credential with keyId '" + key_id + "'");
  }
  CredentialRecord updated = cred->second;
  const size_t before = updated.client_secrets.size();
  std::erase_if(updated.client_secrets, [&](const auto& cs) { return cs.key_id == key_id; });
  if (updated.client_secrets.size() == before) {
    return NotFound("no password credential with keyId '" + key_id + "'");
  }
  Txn txn;
  s.PutCredential(txn, updated);
  s.RevokeSessionsOf(txn, id);
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return Status::Ok();
}

Status PimService::DeleteServicePrincipal(const Caller& caller, const std::string& sp_id) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  ASSIGN_OR_RETURN(
      ManagedServicePrincipal sp,
      ServicePrincipalToChange(s, lock, caller, sp_id, "Delete service principal", "Delete"));
  Principal p = *s.principals.Find(sp.id);
  AuditEvent& e = sp.event;
  if (p.id == caller.principal_id) {
    return InvalidArgument("a service principal cannot delete itself");
  }
  const Timestamp now = s.clock.Now();
  p.deleted = now;
  Txn txn;
  s.PutPrincipal(txn, p);
  s.app_to_id.erase(p.app_id);
  s.RevokeSessionsOf(txn, p.id);
  // Its grants and undecided requests end now, as a deleted user's do (they would otherwise
  // outlive the principal).
  CancelPendingRequestsOf(s, txn, p.id, kRequestorDeleted, e);
  RevokeSchedulesOf(s, txn, p.id, e);
  s.ResyncPrincipalInIndex(txn, p.id);
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return Status::Ok();
}

Result<PasswordCredential> PimService::AddServicePrincipalPassword(
    const Caller& caller, const std::string& sp_id, const std::string& display_name) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  ASSIGN_OR_RETURN(ManagedServicePrincipal sp,
                   ServicePrincipalToChange(s, lock, caller, sp_id,
                                            "Add service principal credentials", "Update"));
  const std::string& id = sp.id;
  AuditEvent& e = sp.event;
  const Timestamp now = s.clock.Now();
  PasswordCredential out;
  out.key_id = s.ids.NewId();
  out.display_name = display_name;
  out.secret_text = RandomToken();
  out.hint = out.secret_text.substr(0, 3);
  out.start = now;
  out.end = now + kClientSecretLifetime;
  CredentialRecord cred = s.credentials[id];
  cred.principal_id = id;
  cred.client_secrets.push_back(
      {out.key_id, out.display_name, out.hint, Sha256Hex(out.secret_text), out.start, out.end});
  Txn txn;
  s.PutCredential(txn, cred);
  e.details.emplace_back("keyId", out.key_id);
  e.details.emplace_back("endDateTime", FormatTimestamp(out.end));
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return out;
}

}  // namespace pim
