// /v1.0/policies/roleManagementPolicies (GET; /{id} GET with $expand=rules,effectiveRules;
// /{id}/rules GET; /{id}/rules/{ruleId} GET, PATCH -> 200 with the rule; /{id}/effectiveRules and
// /{id}/effectiveRules/{ruleId} GET: the same rules, as pim's policies inherit none) and
// /v1.0/policies/roleManagementPolicyAssignments (GET with $filter and $expand=policy; /{id}).
#include <boost/json/array.hpp>
#include <map>
#include <memory>

#include "core/ids.h"
#include "core/policy.h"
#include "http/graph/json_fields.h"
#include "http/graph/route_families.h"
#include "http/graph/serve.h"

namespace pim::http {
namespace json = boost::json;
namespace {

constexpr const char* kPolicies = "/v1.0/policies/roleManagementPolicies";
constexpr const char* kAssignments = "/v1.0/policies/roleManagementPolicyAssignments";

json::object AssignmentToGraph(const PolicyAssignment& a) {
  return json::object{{"id", a.id},
                      {"policyId", a.policy_id},
                      {"roleDefinitionId", a.role_definition_id},
                      {"scopeId", a.scope_id},
                      {"scopeType", a.scope_type}};
}

json::array RulesOf(const Policy& policy) {
  json::array out;
  for (const std::string& rule_id : PolicyRuleIds()) {
    Result<json::object> rule = RuleToGraph(policy, rule_id);
    if (rule.ok()) out.emplace_back(std::move(rule).value());
  }
  return out;
}

// Built once: the spec is immutable.
const CollectionSpec& PoliciesSpec() {
  static const CollectionSpec spec{
      "policies/roleManagementPolicies",
      {"id", "displayName", "description", "isOrganizationDefault", "scopeId", "scopeType"},
      KeysOf(PolicyToGraph(MakeDefaultPolicy("sample", "sample"), false)),
      {"rules", "effectiveRules"}};
  return spec;
}

// `navigation` is "rules" or "effectiveRules".
CollectionSpec RulesSpec(const std::string& policy_id, const std::string& navigation = "rules") {
  static const std::set<std::string> keys = [] {
    std::set<std::string> out;
    for (const json::value& rule : RulesOf(MakeDefaultPolicy("sample", "sample"))) {
      out.merge(KeysOf(rule.as_object()));
    }
    return out;
  }();
  return {"policies/roleManagementPolicies('" + policy_id + "')/" + navigation, {"id"}, keys, {}};
}

// Built once: the spec is immutable.
const CollectionSpec& AssignmentsSpec() {
  static const CollectionSpec spec{"policies/roleManagementPolicyAssignments",
                                   {"id", "policyId", "roleDefinitionId", "scopeId", "scopeType"},
                                   KeysOf(AssignmentToGraph(PolicyAssignment{})),
                                   {"policy", "policy($expand=rules)"}};
  return spec;
}

// $expand=rules and/or effectiveRules on policies: the policy's rules, fetched again by id. No
// policy inherits rules from another, so its effective rules are its rules.
ExpandFn PolicyExpander(const PimService& svc, const Caller& c) {
  return [&svc, c](json::object& item, const std::set<std::string>& expand) -> Status {
    const bool rules = expand.count("rules") != 0;
    const bool effective = expand.count("effectiveRules") != 0;
    if (!rules && !effective) return Status::Ok();
    const json::string* id = item["id"].if_string();
    ASSIGN_OR_RETURN(Policy p, svc.GetPolicy(c, id == nullptr ? "" : std::string(*id)));
    if (rules) item["rules"] = RulesOf(p);
    if (effective) item["effectiveRules"] = RulesOf(p);
    return Status::Ok();
  };
}

// $expand=policy and policy($expand=rules) on policy assignments.
ExpandFn AssignmentExpander(const PimService& svc, const Caller& c) {
  auto cache = std::make_shared<std::map<std::string, Policy>>();
  return [&svc, c, cache](json::object& item, const std::set<std::string>& expand) -> Status {
    const bool with_rules = expand.count("policy($expand=rules)") != 0;
    if (!with_rules && expand.count("policy") == 0) return Status::Ok();
    const json::string* id_value = item["policyId"].if_string();
    std::string id = id_value == nullptr ? "" : std::string(*id_value);
    auto it = cache->find(id);
    if (it == cache->end()) {
      ASSIGN_OR_RETURN(Policy p, svc.GetPolicy(c, id));
      it = cache->emplace(id, std::move(p)).first;
    }
    item["policy"] = PolicyToGraph(it->second, with_rules);
    return Status::Ok();
  };
}

void RegisterPolicies(Router& router, PimService& svc) {
  const std::string base = kPolicies;
  router.Add("GET", base, "roleManagementPolicies.list",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
               return ServeCollection(
                   req, PoliciesSpec(),
                   [&] {
                     return EncodeAll(svc.ListPolicies(c),
                                      [](const Policy& p) { return PolicyToGraph(p, false); });
                   },
                   PolicyExpander(svc, c));
             }));
  router.Add("GET", base + "/{id}", "roleManagementPolicies.get",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
               return ServeEntity(
                   req, PoliciesSpec(),
                   [&]() -> Result<json::object> {
                     ASSIGN_OR_RETURN(Policy policy, svc.GetPolicy(c, p.at("id")));
                     return PolicyToGraph(policy, false);
                   },
                   PolicyExpander(svc, c));
             }));
  for (const std::string navigation : {"rules", "effectiveRules"}) {
    router.Add(
        "GET", base + "/{id}/" + navigation, "roleManagementPolicies." + navigation + ".list",
        WithCaller(
            svc, [&svc, navigation](const HttpRequest& req, const RouteParams& p, const Caller& c) {
              return ServeCollection(
                  req, RulesSpec(p.at("id"), navigation), [&]() -> ItemsFn::result_type {
                    ASSIGN_OR_RETURN(Policy policy, svc.GetPolicy(c, p.at("id")));
                    std::vector<json::object> out;
                    for (json::value& rule : RulesOf(policy))
                      out.push_back(std::move(rule.as_object()));
                    return out;
                  });
            }));
    router.Add("GET", base + "/{id}/" + navigation + "/{ruleId}",
               "roleManagementPolicies." + navigation + ".get",
               WithCaller(svc, [&svc, navigation](const HttpRequest& req, const RouteParams& p,
                                                  const Caller& c) {
                 return ServeEntity(req, RulesSpec(p.at("id"), navigation),
                                    [&]() -> Result<json::object> {
                                      ASSIGN_OR_RETURN(Policy policy, svc.GetPolicy(c, p.at("id")));
                                      return RuleToGraph(policy, p.at("ruleId"));
                                    });
               }));
  }
  router.Add("PATCH", base + "/{id}/rules/{ruleId}", "roleManagementPolicies.rules.update",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
                          // Malformed JSON is refused here with the same message as every other
                          // body.
                          Result<json::object> body = ParseJsonObject(req.body);
                          if (!body.ok()) return GraphError(body.status());
                          Result<Policy> policy =
                              svc.PatchPolicyRule(c, p.at("id"), p.at("ruleId"), req.body);
                          if (!policy.ok()) return GraphError(policy.status());
                          Result<json::object> rule = RuleToGraph(*policy, p.at("ruleId"));
                          if (!rule.ok()) return GraphError(rule.status());
                          return EntityResponse(req, 200,
                                                RulesSpec(p.at("id")).context_path + "/$entity",
                                                std::move(rule).value());
                        }),
             /*blocking=*/true);
}

void RegisterAssignments(Router& router, PimService& svc) {
  const std::string base = kAssignments;
  router.Add("GET", base, "roleManagementPolicyAssignments.list",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
               return ServeCollection(
                   req, AssignmentsSpec(),
                   [&] { return EncodeAll(svc.ListPolicyAssignments(c), AssignmentToGraph); },
                   AssignmentExpander(svc, c));
             }));
  router.Add("GET", base + "/{id}", "roleManagementPolicyAssignments.get",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
               return ServeEntity(
                   req, AssignmentsSpec(),
                   [&]() -> Result<json::object> {
                     ASSIGN_OR_RETURN(std::vector<PolicyAssignment> all,
                                      svc.ListPolicyAssignments(c));
                     for (const PolicyAssignment& a : all) {
                       if (EqualsIgnoreCase(a.id, p.at("id"))) return AssignmentToGraph(a);
                     }
                     return NotFound("No policy assignment with id '" + p.at("id") + "'.");
                   },
                   AssignmentExpander(svc, c));
             }));
}

}  // namespace

void RegisterPolicyRoutes(Router& router, const GraphContext& context) {
  RegisterPolicies(router, context.service);
  RegisterAssignments(router, context.service);
}

}  // namespace pim::http
