// Role definitions: built-ins are read-only; custom roles are created, replaced and deleted by
// active Privileged Role Administrators or Global Administrators. A new custom role gets its own
// default policy at "/".
#include <boost/json.hpp>

#include "engine/engine_state.h"
#include "engine/pim_service.h"
#include "engine/store_codec.h"
#include "engine/validation.h"

namespace pim {
namespace {

constexpr const char* kNeedRoleAdmin =
    "managing role definitions needs an active Privileged Role Administrator or Global "
    "Administrator role";

void QueuePermissions(Txn& txn, const RoleDefinition& r) {
  std::vector<std::string> allowed, excluded;
  for (const auto& rp : r.role_permissions) {
    allowed.insert(allowed.end(), rp.allowed_resource_actions.begin(),
                   rp.allowed_resource_actions.end());
    excluded.insert(excluded.end(), rp.excluded_resource_actions.begin(),
                    rp.excluded_resource_actions.end());
  }
  txn.index_ops.push_back([id = r.id, allowed, excluded](DecisionIndex& ix) {
    ix.SetRolePermissions(id, allowed, excluded);
  });
}

Status ValidateRole(const RoleDefinition& def) {
  RETURN_IF_ERROR(ValidateDisplayName(def.display_name));
  if (def.role_permissions.empty()) return InvalidArgument("rolePermissions is required");
  for (const auto& rp : def.role_permissions) {
    if (rp.allowed_resource_actions.empty()) {
      return InvalidArgument("rolePermissions.allowedResourceActions must not be empty");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<RoleDefinition>> PimService::ListRoleDefinitions(const Caller& caller) const {
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  SharedLock lock(state_->mu);
  std::vector<RoleDefinition> out;
  state_->roles.ForEach([&](const RoleDefinition& r) { out.push_back(r); });
  return out;
}

Result<RoleDefinition> PimService::GetRoleDefinition(const Caller& caller,
                                                     const std::string& id) const {
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  SharedLock lock(state_->mu);
  const RoleDefinition* r = state_->roles.Find(ToLower(id));
  if (!r) return NotFound("roleDefinition '" + id + "' not found");
  return *r;
}

uint64_t PimService::RoleDefinitionsRevision() const { return state_->roles_revision.load(); }

Result<RoleDefinition> PimService::CreateRoleDefinition(const Caller& caller, RoleDefinition def) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  AuditEvent e = s.Event(caller, "RoleManagement", "Add role definition", "Add");
  e.details.emplace_back("displayName", def.display_name);
  if (!s.IsRoleAdmin(caller, "/"))
    return s.RefuseForbidden(lock, caller, std::move(e), kNeedRoleAdmin);
  RETURN_IF_ERROR(ValidateRole(def));
  bool duplicate = false;
  s.roles.ForEach([&](const RoleDefinition& r) {
    duplicate = duplicate || EqualsIgnoreCase(r.display_name, def.display_name);
  });
  if (duplicate) return AlreadyExists("a role named '" + def.display_name + "' already exists");
  const Timestamp now = s.clock.Now();
  def.id = s.ids.NewId();
  def.template_id = def.id;
  def.is_built_in = false;
  def.created = def.modified = now;
  if (def.resource_scopes.empty()) def.resource_scopes = {"/"};
  if (def.version.empty()) def.version.push_back('1');  // (assigning "1" trips GCC 12 -Wrestrict)
  Txn txn;
  txn.Put(kinds::kRoleDefinition, def.id, EncodeRoleDefinition(def));
  s.roles.Put(def.id, def);
  s.roles_revision.fetch_add(1);
  QueuePermissions(txn, def);
  AddRolePolicy(s, txn, def.id, /*global_admin=*/false);
  e.targets.push_back(s.RoleTarget(def.id));
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return def;
}

Result<RoleDefinition> PimService::UpdateRoleDefinition(const Caller& caller, const std::string& id,
                                                        RoleDefinition def) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  const RoleDefinition* current = s.roles.Find(ToLower(id));
  if (!current) return NotFound("roleDefinition '" + id + "' not found");
  AuditEvent e = s.Event(caller, "RoleManagement", "Update role definition", "Update");
  e.targets.push_back(s.RoleTarget(current->id));
  if (!s.IsRoleAdmin(caller, "/"))
    return s.RefuseForbidden(lock, caller, std::move(e), kNeedRoleAdmin);
  if (current->is_built_in) return InvalidArgument("built-in role definitions cannot be changed");
  RETURN_IF_ERROR(ValidateRole(def));
  RoleDefinition r = *current;
  e.targets.back().modified.emplace_back("displayName", r.display_name, def.display_name);
  e.targets.back().modified.emplace_back("isEnabled", r.is_enabled ? "true" : "false",
                                         def.is_enabled ? "true" : "false");
  bool enabled_changed = r.is_enabled != def.is_enabled;
  r.display_name = def.display_name;
  r.description = def.description;
  r.is_enabled = def.is_enabled;
  r.role_permissions = def.role_permissions;
  r.modified = s.clock.Now();
  Txn txn;
  txn.Put(kinds::kRoleDefinition, r.id, EncodeRoleDefinition(r));
  s.roles.Put(r.id, r);
  s.roles_revision.fetch_add(1);
  QueuePermissions(txn, r);
  if (enabled_changed) {
    s.schedules.ForEach([&](const Schedule& x) {
      if (x.role_definition_id == r.id && !x.removed) s.IndexOp(txn, x);
    });
  }
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return r;
}

Status PimService::DeleteRoleDefinition(const Caller& caller, const std::string& id) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  const RoleDefinition* current = s.roles.Find(ToLower(id));
  if (!current) return NotFound("roleDefinition '" + id + "' not found");
  AuditEvent e = s.Event(caller, "RoleManagement", "Delete role definition", "Delete");
  e.targets.push_back(s.RoleTarget(current->id));
  if (!s.IsRoleAdmin(caller, "/"))
    return s.RefuseForbidden(lock, caller, std::move(e), kNeedRoleAdmin);
  if (current->is_built_in) return InvalidArgument("built-in role definitions cannot be deleted");
  const Timestamp now = s.clock.Now();
  bool in_use = false;
  s.schedules.ForEach([&](const Schedule& x) {
    in_use = in_use || (x.role_definition_id == current->id && !x.removed && x.end > now);
  });
  if (in_use) {
    return FailedPrecondition("the role still has eligible or active members; remove them first");
  }
  // Audit records keep the role's id and name in their targets, so the row can go.
  RoleDefinition r = *current;
  s.roles.Erase(r.id);
  s.roles_revision.fetch_add(1);
  Txn txn;
  txn.objects.push_back({kinds::kRoleDefinition, r.id, "", true});
  std::vector<PolicyAssignment> owned;
  s.policy_assignments.ForEach([&](const PolicyAssignment& a) {
    if (a.role_definition_id == r.id) owned.push_back(a);
  });
  for (const auto& a : owned) {
    s.policy_assignments.Erase(a.id);
    txn.objects.push_back({kinds::kPolicyAssignment, a.id, "", true});
    const Policy* p = s.policies.Find(a.policy_id);
    if (p && !p->is_organization_default) {
      s.policies.Erase(a.policy_id);
      txn.objects.push_back({kinds::kPolicy, a.policy_id, "", true});
    }
  }
  txn.index_ops.push_back([rid = r.id](DecisionIndex& ix) { ix.SetRolePermissions(rid, {}, {}); });
  s.Audit(txn, caller, std::move(e));
  s.Commit(lock, std::move(txn));
  return Status::Ok();
}

}  // namespace pim
