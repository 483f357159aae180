// Policies: seeding the catalog, the effective policy of (role, scope), reading and patching
// rules; and the audit-log read/verify entry points.
#include <boost/json.hpp>
#include <set>

#include "core/ids.h"
#include "core/role_catalog.h"
#include "core/scope.h"
#include "engine/engine_state.h"
#include "engine/pim_service.h"
#include "engine/store_codec.h"

namespace pim {

void AddRolePolicy(EngineState& s, Txn& txn, const std::string& role_id, bool global_admin) {
  std::string id = s.ids.NewId();
  Policy p =
      global_admin ? MakeRecommendedGlobalAdminPolicy(id) : MakeDefaultPolicy(id, "Directory");
  p.scope_id = "/";
  p.scope_type = "DirectoryRole";
  p.last_modified = s.clock.Now();
  PolicyAssignment a;
  a.id = p.id + "_" + role_id;
  a.policy_id = p.id;
  a.role_definition_id = role_id;
  a.scope_id = "/";
  a.scope_type = "DirectoryRole";
  txn.Put(kinds::kPolicy, p.id, EncodePolicy(p));
  txn.Put(kinds::kPolicyAssignment, a.id, EncodePolicyAssignment(a));
  s.policies.Put(p.id, p);
  s.policy_assignments.Put(a.id, a);
}

void SeedCatalog(EngineState& s, ExclusiveLock& lock) {
  const Timestamp now = s.clock.Now();
  Txn txn;
  AuditEvent e = s.SystemEvent("Policy", "Initialize role catalog and policies", "Add", "pim-init");
  for (RoleDefinition r : BuiltInRoleDefinitions()) {
    r.created = r.modified = now;
    txn.Put(kinds::kRoleDefinition, r.id, EncodeRoleDefinition(r));
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
    AddRolePolicy(s, txn, r.id, r.id == role_ids::kGlobalAdministrator);
    e.targets.push_back({r.id, "Role", r.display_name, "", {}});
    s.roles.Put(r.id, r);
    s.roles_revision.fetch_add(1);
  }
  Policy org = MakeDefaultPolicy(s.ids.NewId(), "Directory");
  org.is_organization_default = true;
  org.description = "Organization default role management policy";
  org.scope_id = "/";
  org.scope_type = "Directory";
  org.last_modified = now;
  txn.Put(kinds::kPolicy, org.id, EncodePolicy(org));
  e.details.emplace_back("organizationDefaultPolicyId", org.id);
  s.policies.Put(org.id, org);
  txn.events.push_back(std::move(e));
  s.Commit(lock, std::move(txn));
}

const Policy* FindEffectivePolicy(const EngineState& s, const std::string& role_id,
                                  const std::string& scope) {
  const PolicyAssignment* best = nullptr;
  s.policy_assignments.ForEach([&](const PolicyAssignment& a) {
    if (!EqualsIgnoreCase(a.role_definition_id, role_id) || !ScopeCovers(a.scope_id, scope)) return;
    if (!s.policies.Find(a.policy_id)) return;
    if (!best || a.scope_id.size() > best->scope_id.size()) best = &a;
  });
  if (best) return s.policies.Find(best->policy_id);
  const Policy* org = nullptr;
  s.policies.ForEach([&](const Policy& p) {
    if (p.is_organization_default && !org) org = &p;
  });
  return org;
}

Result<std::vector<Policy>> PimService::ListPolicies(const Caller& caller) const {
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  SharedLock lock(state_->mu);
  std::vector<Policy> out;
  state_->policies.ForEach([&](const Policy& p) { out.push_back(p); });
  return out;
}

Result<Policy> PimService::GetPolicy(const Caller& caller, const std::string& policy_id) const {
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  SharedLock lock(state_->mu);
  const Policy* p = state_->policies.Find(ToLower(policy_id));
  if (!p) return NotFound("roleManagementPolicy '" + policy_id + "' not found");
  return *p;
}

namespace {

// An approver added to a stage must be a user or group that exists: a stage whose approvers are
// all unknown ids could only time out. (Approvers already in the policy are left alone, so that a
// stage naming a user deleted since does not block every other change to the rule.)
Status CheckNewApproversExist(const EngineState& s, const Policy& before, const Policy& after) {
  auto key = [](const ApproverSubject& a) {
    return a.group_id.empty() ? "u:" + ToLower(a.user_id) : "g:" + ToLower(a.group_id);
  };
  std::set<std::string> known;
  for (const auto& stage : before.approval_enduser_assignment.approval_stages) {
    for (const ApproverSubject& a : stage.primary_approvers) known.insert(key(a));
    for (const ApproverSubject& a : stage.escalation_approvers) known.insert(key(a));
  }
  const auto& stages = after.approval_enduser_assignment.approval_stages;
  for (size_t i = 0; i < stages.size(); ++i) {
    for (const auto& [which, list] :
         {std::pair{"primaryApprovers", &stages[i].primary_approvers},
          std::pair{"escalationApprovers", &stages[i].escalation_approvers}}) {
      for (size_t k = 0; k < list->size(); ++k) {
        const ApproverSubject& a = (*list)[k];
        if (known.count(key(a))) continue;
        const bool group = !a.group_id.empty();
        const std::string id = ToLower(group ? a.group_id : a.user_id);
        const Principal* p = s.LivePrincipal(id);
        if (p != nullptr && (group ? s.group_ids.count(id) > 0 : p->kind == PrincipalKind::kUser)) {
          continue;
        }
        return InvalidArgument("setting.approvalStages[" + std::to_string(i) + "]." + which + "[" +
                               std::to_string(k) + "]." + (group ? "groupId" : "userId") + ": no " +
                               (group ? "group" : "user") + " with id '" + id + "'");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Policy> PimService::PatchPolicyRule(const Caller& caller,
                                           const std::string& requested_policy_id,
                                           const std::string& rule_id,
                                           const std::string& rule_json) {
  const std::string policy_id = ToLower(requested_policy_id);  // ids are lowercase GUIDs
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(rule_json, ec);
  if (ec || !body.is_object()) return InvalidArgument("rule body must be a JSON object");

  ExclusiveLock lock(s.mu);
  Policy* current = s.policies.Find(policy_id);
  if (!current) return NotFound("roleManagementPolicy '" + policy_id + "' not found");
  AuditEvent e = s.Event(caller, "Policy", "Update role setting in PIM", "Update");
  e.targets.push_back({policy_id, "Policy", current->display_name, "", {}});
  e.details.emplace_back("policyId", policy_id);
  e.details.emplace_back("ruleId", rule_id);
  if (!s.IsRoleAdmin(caller, current->scope_id)) {
    e.result = "failure";
    e.result_reason =
        "caller is not an active Privileged Role Administrator or Global Administrator";
    Txn txn;
    s.Audit(txn, caller, std::move(e));
    return s.CommitRefusal(lock, std::move(txn),
                           PermissionDenied("changing a role policy needs an active Privileged "
                                            "Role Administrator or Global Administrator role"));
  }
  Policy updated = *current;
  RETURN_IF_ERROR(PatchRule(updated, rule_id, body));
  RETURN_IF_ERROR(CheckNewApproversExist(s, *current, updated));
  auto before = RuleToGraph(*current, rule_id);
  auto after = RuleToGraph(updated, rule_id);
  updated.last_modified = s.clock.Now();
  updated.last_modified_by = caller.principal_id;
  AuditTarget& t = e.targets.back();
  t.modified.emplace_back(rule_id, before.ok() ? boost::json::serialize(*before) : "",
                          after.ok() ? boost::json::serialize(*after) : "");
  Txn txn;
  txn.Put(kinds::kPolicy, updated.id, EncodePolicy(updated));
  s.policies.Put(updated.id, updated);
  s.Audit(txn, caller, std::move(e));
  s.Emit(txn, "policyUpdated",
         boost::json::serialize(boost::json::object{{"policyId", policy_id}, {"ruleId", rule_id}}));
  s.Commit(lock, std::move(txn));
  return updated;
}

Result<std::vector<PolicyAssignment>> PimService::ListPolicyAssignments(
    const Caller& caller) const {
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  SharedLock lock(state_->mu);
  std::vector<PolicyAssignment> out;
  state_->policy_assignments.ForEach([&](const PolicyAssignment& a) { out.push_back(a); });
  return out;
}

Result<Policy> PimService::EffectivePolicy(const std::string& role_definition_id,
                                           const std::string& scope) const {
  ASSIGN_OR_RETURN(std::string canonical, NormalizeScope(scope));
  SharedLock lock(state_->mu);
  const Policy* p = FindEffectivePolicy(*state_, role_definition_id, canonical);
  if (!p) return NotFound("no policy governs role '" + role_definition_id + "'");
  return *p;
}

Status PimService::CheckCanReadAudit(const Caller& caller) const {
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  if (state_->IsReader(caller)) return Status::Ok();
  SharedLock lock(state_->mu);
  if (state_->IsBreakGlass(caller.principal_id)) return Status::Ok();
  return PermissionDenied(
      "reading the audit log needs an active Global Administrator, Privileged Role "
      "Administrator, Security Administrator, Security Reader or Global Reader role");
}

Result<AuditVerifyReport> PimService::VerifyAuditLog(
    const Caller& caller, const std::vector<AuditCheckpoint>& witnessed) {
  RETURN_IF_ERROR(CheckCanReadAudit(caller));
  return VerifyAudit(state_->store, state_->signer, state_->options.checkpoint_file, witnessed);
}

Result<std::optional<AuditCheckpoint>> PimService::LatestAuditCheckpoint(const Caller& caller) {
  RETURN_IF_ERROR(CheckCanReadAudit(caller));
  return state_->store.LatestCheckpoint();
}

std::string PimService::AuditPublicKeyPem() const { return state_->signer.PublicKeyPem(); }

}  // namespace pim
