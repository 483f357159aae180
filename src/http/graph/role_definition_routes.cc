// /v1.0/roleManagement/directory/roleDefinitions (GET, POST) and /{id} (GET, PATCH, DELETE).
#include "core/ids.h"
#include "http/graph/codecs_role.h"
#include "http/graph/entity_cache.h"
#include "http/graph/route_families.h"
#include "http/graph/serve.h"

namespace pim::http {
namespace json = boost::json;
namespace {

constexpr const char* kPath = "/v1.0/roleManagement/directory/roleDefinitions";

// Built once: the spec is immutable.
const CollectionSpec& RoleDefinitionsSpec() {
  static const CollectionSpec spec{
      "roleManagement/directory/roleDefinitions",
      {"id", "displayName", "description", "isBuiltIn", "isEnabled", "templateId"},
      KeysOf(RoleDefinitionToGraph(RoleDefinition{})),
      {}};
  return spec;
}

}  // namespace

void RegisterRoleDefinitionRoutes(Router& router, const GraphContext& ctx) {
  PimService& svc = ctx.service;
  const std::string path = kPath;
  router.Add("GET", path, "roleDefinitions.list",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
               return ServeCollection(req, RoleDefinitionsSpec(), [&] {
                 return EncodeAll(svc.ListRoleDefinitions(c), RoleDefinitionToGraph);
               });
             }));
  router.Add("POST", path, "roleDefinitions.create",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
                          Result<RoleDefinition> def = DecodeNewRoleDefinition(req.body);
                          if (!def.ok()) return GraphError(def.status());
                          Result<RoleDefinition> created =
                              svc.CreateRoleDefinition(c, std::move(def).value());
                          if (!created.ok()) return GraphError(created.status());
                          return EntityResponse(req, 201,
                                                RoleDefinitionsSpec().context_path + "/$entity",
                                                RoleDefinitionToGraph(*created));
                        }),
             /*blocking=*/true);
  // Role definitions are read far more often than they change: without query options, the
  // serialized entity is reused until any role definition changes (RoleDefinitionsRevision).
  auto cache = std::make_shared<EntityCache>();
  const std::string context_path = RoleDefinitionsSpec().context_path + "/$entity";
  router.Add("GET", path + "/{id}", "roleDefinitions.get",
             WithCaller(svc, [&svc, cache, context_path](const HttpRequest& req,
                                                         const RouteParams& p, const Caller& c) {
               if (!req.query.empty()) {
                 return ServeEntity(req, RoleDefinitionsSpec(), [&]() -> Result<json::object> {
                   ASSIGN_OR_RETURN(RoleDefinition d, svc.GetRoleDefinition(c, p.at("id")));
                   return RoleDefinitionToGraph(d);
                 });
               }
               if (c.anonymous()) return GraphError(Unauthenticated("sign-in required"));
               const std::string id = ToLower(p.at("id"));
               const uint64_t revision = svc.RoleDefinitionsRevision();  // before reading the role
               std::shared_ptr<const std::string> cached = cache->Find(id, revision);
               if (!cached) {
                 Result<RoleDefinition> d = svc.GetRoleDefinition(c, id);
                 if (!d.ok()) return GraphError(d.status());
                 cached = std::make_shared<const std::string>(ToJson(RoleDefinitionToGraph(*d)));
                 cache->Store(id, revision, cached);
               }
               return EntityJsonResponse(req, 200, context_path, *cached);
             }));
  router.Add("PATCH", path + "/{id}", "roleDefinitions.update",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
                          Result<RoleDefinition> current = svc.GetRoleDefinition(c, p.at("id"));
                          if (!current.ok()) return GraphError(current.status());
                          Result<RoleDefinition> patched =
                              DecodeRoleDefinitionPatch(req.body, std::move(current).value());
                          if (!patched.ok()) return GraphError(patched.status());
                          Result<RoleDefinition> updated =
                              svc.UpdateRoleDefinition(c, p.at("id"), std::move(patched).value());
                          return updated.ok() ? NoContent() : GraphError(updated.status());
                        }),
             /*blocking=*/true);
  router.Add("DELETE", path + "/{id}", "roleDefinitions.delete",
             WithCaller(svc,
                        [&svc](const HttpRequest&, const RouteParams& p, const Caller& c) {
                          Status st = svc.DeleteRoleDefinition(c, p.at("id"));
                          return st.ok() ? NoContent() : GraphError(st);
                        }),
             /*blocking=*/true);
}

}  // namespace pim::http
