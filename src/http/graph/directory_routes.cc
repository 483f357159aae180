// /v1.0/me, /v1.0/users, /v1.0/groups (+ members and members/$ref), /v1.0/servicePrincipals
// (+ addPassword), /v1.0/directoryObjects/{id}.
#include <boost/json/object.hpp>

#include "http/graph/codecs_directory.h"
#include "http/graph/route_families.h"
#include "http/graph/serve.h"

namespace pim::http {
namespace json = boost::json;
namespace {

// Built once: the spec is immutable.
const CollectionSpec& UsersSpec() {
  static const CollectionSpec spec{
      "users",
      {"id", "displayName", "userPrincipalName", "mail", "accountEnabled", "createdDateTime"},
      KeysOf(UserToGraph(Principal{})),
      {}};
  return spec;
}

// Built once: the spec is immutable.
const CollectionSpec& GroupsSpec() {
  static const CollectionSpec spec{
      "groups",
      {"id", "displayName", "description", "isAssignableToRole", "createdDateTime"},
      KeysOf(GroupToGraph(Principal{})),
      {}};
  return spec;
}

// Built once: the spec is immutable.
const CollectionSpec& ServicePrincipalsSpec() {
  static const CollectionSpec spec{
      "servicePrincipals",
      {"id", "displayName", "appId", "accountEnabled", "createdDateTime"},
      KeysOf(ServicePrincipalToGraph(Principal{})),
      {}};
  return spec;
}

CollectionSpec MakeMembersSpec() {
  std::set<std::string> keys = KeysOf(UserToGraph(Principal{}));
  keys.merge(KeysOf(GroupToGraph(Principal{})));
  keys.merge(KeysOf(ServicePrincipalToGraph(Principal{})));
  return {"directoryObjects", {"id", "displayName", "userPrincipalName"}, keys, {}};
}

const CollectionSpec& MembersSpec() {
  static const CollectionSpec spec = MakeMembersSpec();
  return spec;
}

// A live (not soft-deleted) principal of `kind`; NotFound otherwise.
Result<Principal> GetLive(const PimService& service, const Caller& caller, const std::string& id,
                          PrincipalKind kind, const char* what) {
  Result<Principal> p = kind == PrincipalKind::kUser ? service.FindUser(caller, id)
                                                     : service.GetPrincipal(caller, id);
  if (!p.ok()) return p.status();
  if (p->kind != kind || p->deleted) {
    return NotFound(std::string("Resource '") + id +
                    "' does not exist or one of its queried "
                    "reference-property objects are not present (" +
                    what + ").");
  }
  return p;
}

HttpResponse Created(const HttpRequest& request, const char* context,
                     const Result<Principal>& created, json::object (*encode)(const Principal&)) {
  if (!created.ok()) return GraphError(created.status());
  return EntityResponse(request, 201, std::string(context) + "/$entity", encode(*created));
}

void RegisterUsers(Router& router, const GraphContext& ctx) {
  PimService& svc = ctx.service;
  router.Add(
      "GET", "/v1.0/me", "me.get",
      WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
        return ServeEntity(req, UsersSpec(), [&]() -> Result<json::object> {
          ASSIGN_OR_RETURN(Principal p, svc.GetPrincipal(c, c.principal_id));
          if (p.kind == PrincipalKind::kServicePrincipal) {
            return InvalidArgument("/me is only valid with delegated (user) authentication.");
          }
          return UserToGraph(p);
        });
      }));
  // Graph answers revokeSignInSessions with {"value": true}.
  auto revoke = [&svc](const HttpRequest& req, const Caller& c, const std::string& id) {
    Status st = svc.RevokeSignInSessions(c, id);
    if (!st.ok()) return GraphError(st);
    return EntityResponse(req, 200, "Edm.Boolean", json::object{{"value", true}});
  };
  router.Add("POST", "/v1.0/me/revokeSignInSessions", "me.revokeSignInSessions",
             WithCaller(svc,
                        [revoke](const HttpRequest& req, const RouteParams&, const Caller& c) {
                          if (c.kind == PrincipalKind::kServicePrincipal) {
                            return GraphError(InvalidArgument(
                                "/me is only valid with delegated (user) authentication."));
                          }
                          return revoke(req, c, c.principal_id);
                        }),
             /*blocking=*/true);
  // Graph's changePassword: 204, or the usual errors (403 for a wrong current password, 429
  // while the account is locked or the source blocked).
  router.Add("POST", "/v1.0/me/changePassword", "me.changePassword",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
                          if (c.kind == PrincipalKind::kServicePrincipal) {
                            return GraphError(InvalidArgument(
                                "/me is only valid with delegated (user) authentication."));
                          }
                          Result<PasswordChange> change = DecodePasswordChange(req.body);
                          if (!change.ok()) return GraphError(change.status());
                          Status st = svc.ChangeOwnPassword(c, change->current_password,
                                                            change->new_password);
                          if (!st.ok()) return GraphError(st);
                          return NoContent();
                        }),
             /*blocking=*/true);
  router.Add(
      "POST", "/v1.0/users/{id}/revokeSignInSessions", "users.revokeSignInSessions",
      WithCaller(svc,
                 [&svc, revoke](const HttpRequest& req, const RouteParams& p, const Caller& c) {
                   Result<Principal> user =
                       GetLive(svc, c, p.at("id"), PrincipalKind::kUser, "user");
                   if (!user.ok()) return GraphError(user.status());
                   return revoke(req, c, user->id);
                 }),
      /*blocking=*/true);
  router.Add("GET", "/v1.0/users", "users.list",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
               return ServeCollection(req, UsersSpec(), [&] {
                 return EncodeAll(svc.ListPrincipals(c, PrincipalKind::kUser), UserToGraph);
               });
             }));
  router.Add("POST", "/v1.0/users", "users.create",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
                          Result<NewUser> user = DecodeNewUser(req.body);
                          if (!user.ok()) return GraphError(user.status());
                          return Created(req, "users", svc.CreateUser(c, *user), UserToGraph);
                        }),
             /*blocking=*/true);
  router.Add("GET", "/v1.0/users/{id}", "users.get",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
               return ServeEntity(req, UsersSpec(), [&]() -> Result<json::object> {
                 ASSIGN_OR_RETURN(Principal u,
                                  GetLive(svc, c, p.at("id"), PrincipalKind::kUser, "user"));
                 return UserToGraph(u);
               });
             }));
  router.Add("PATCH", "/v1.0/users/{id}", "users.update",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
                          Result<UserPatch> patch = DecodeUserPatch(req.body);
                          if (!patch.ok()) return GraphError(patch.status());
                          Result<Principal> user =
                              GetLive(svc, c, p.at("id"), PrincipalKind::kUser, "user");
                          if (!user.ok()) return GraphError(user.status());
                          Result<Principal> updated = svc.UpdateUser(c, user->id, *patch);
                          return updated.ok() ? NoContent() : GraphError(updated.status());
                        }),
             /*blocking=*/true);
  router.Add("DELETE", "/v1.0/users/{id}", "users.delete",
             WithCaller(svc,
                        [&svc](const HttpRequest&, const RouteParams& p, const Caller& c) {
                          Result<Principal> user =
                              GetLive(svc, c, p.at("id"), PrincipalKind::kUser, "user");
                          if (!user.ok()) return GraphError(user.status());
                          Status st = svc.DeleteUser(c, user->id);
                          return st.ok() ? NoContent() : GraphError(st);
                        }),
             /*blocking=*/true);
}

void RegisterGroups(Router& router, const GraphContext& ctx) {
  PimService& svc = ctx.service;
  router.Add("GET", "/v1.0/groups", "groups.list",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
               return ServeCollection(req, GroupsSpec(), [&] {
                 return EncodeAll(svc.ListPrincipals(c, PrincipalKind::kGroup), GroupToGraph);
               });
             }));
  router.Add("POST", "/v1.0/groups", "groups.create",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
                          Result<NewGroup> group = DecodeNewGroup(req.body);
                          if (!group.ok()) return GraphError(group.status());
                          return Created(req, "groups", svc.CreateGroup(c, *group), GroupToGraph);
                        }),
             /*blocking=*/true);
  router.Add("GET", "/v1.0/groups/{id}", "groups.get",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
               return ServeEntity(req, GroupsSpec(), [&]() -> Result<json::object> {
                 ASSIGN_OR_RETURN(Principal g,
                                  GetLive(svc, c, p.at("id"), PrincipalKind::kGroup, "group"));
                 return GroupToGraph(g);
               });
             }));
  router.Add("DELETE", "/v1.0/groups/{id}", "groups.delete",
             WithCaller(svc,
                        [&svc](const HttpRequest&, const RouteParams& p, const Caller& c) {
                          Result<Principal> g =
                              GetLive(svc, c, p.at("id"), PrincipalKind::kGroup, "group");
                          if (!g.ok()) return GraphError(g.status());
                          Status st = svc.DeleteGroup(c, g->id);
                          return st.ok() ? NoContent() : GraphError(st);
                        }),
             /*blocking=*/true);
  router.Add("GET", "/v1.0/groups/{id}/members", "groups.members.list",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
               return ServeCollection(req, MembersSpec(), [&]() -> ItemsFn::result_type {
                 ASSIGN_OR_RETURN(Principal g,
                                  GetLive(svc, c, p.at("id"), PrincipalKind::kGroup, "group"));
                 std::vector<json::object> out;
                 for (const std::string& id : g.members) {
                   Result<Principal> m = svc.GetPrincipal(c, id);
                   if (m.ok() && !m->deleted) out.push_back(DirectoryObjectToGraph(*m));
                 }
                 return out;
               });
             }));
  router.Add("POST", "/v1.0/groups/{id}/members/$ref", "groups.members.add",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
                          Result<std::string> member = DecodeMemberRef(req.body);
                          if (!member.ok()) return GraphError(member.status());
                          Status st = svc.AddGroupMember(c, p.at("id"), *member);
                          return st.ok() ? NoContent() : GraphError(st);
                        }),
             /*blocking=*/true);
  router.Add("DELETE", "/v1.0/groups/{id}/members/{memberId}/$ref", "groups.members.remove",
             WithCaller(svc,
                        [&svc](const HttpRequest&, const RouteParams& p, const Caller& c) {
                          Status st = svc.RemoveGroupMember(c, p.at("id"), p.at("memberId"));
                          return st.ok() ? NoContent() : GraphError(st);
                        }),
             /*blocking=*/true);
}

void RegisterServicePrincipals(Router& router, const GraphContext& ctx) {
  PimService& svc = ctx.service;
  router.Add("GET", "/v1.0/servicePrincipals", "servicePrincipals.list",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
               return ServeCollection(req, ServicePrincipalsSpec(), [&] {
                 return EncodeAll(svc.ListPrincipals(c, PrincipalKind::kServicePrincipal),
                                  ServicePrincipalToGraph);
               });
             }));
  router.Add("POST", "/v1.0/servicePrincipals", "servicePrincipals.create",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
                          Result<NewServicePrincipal> sp = DecodeNewServicePrincipal(req.body);
                          if (!sp.ok()) return GraphError(sp.status());
                          return Created(req, "servicePrincipals",
                                         svc.CreateServicePrincipal(c, *sp),
                                         ServicePrincipalToGraph);
                        }),
             /*blocking=*/true);
  router.Add("GET", "/v1.0/servicePrincipals/{id}", "servicePrincipals.get",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
               return ServeEntity(req, ServicePrincipalsSpec(), [&]() -> Result<json::object> {
                 ASSIGN_OR_RETURN(Principal sp,
                                  GetLive(svc, c, p.at("id"), PrincipalKind::kServicePrincipal,
                                          "servicePrincipal"));
                 return ServicePrincipalToGraph(sp);
               });
             }));
  router.Add("POST", "/v1.0/servicePrincipals/{id}/addPassword", "servicePrincipals.addPassword",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
                          Result<std::string> name = DecodeAddPassword(req.body);
                          if (!name.ok()) return GraphError(name.status());
                          Result<PasswordCredential> credential =
                              svc.AddServicePrincipalPassword(c, p.at("id"), *name);
                          if (!credential.ok()) return GraphError(credential.status());
                          return EntityResponse(req, 200, "microsoft.graph.passwordCredential",
                                                PasswordCredentialToGraph(*credential));
                        }),
             /*blocking=*/true);
  router.Add("POST", "/v1.0/servicePrincipals/{id}/removePassword",
             "servicePrincipals.removePassword",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
                          Result<std::string> key_id = DecodeRemovePassword(req.body);
                          if (!key_id.ok()) return GraphError(key_id.status());
                          Status st = svc.RemoveServicePrincipalPassword(c, p.at("id"), *key_id);
                          return st.ok() ? NoContent() : GraphError(st);
                        }),
             /*blocking=*/true);
  router.Add("DELETE", "/v1.0/servicePrincipals/{id}", "servicePrincipals.delete",
             WithCaller(svc,
                        [&svc](const HttpRequest&, const RouteParams& p, const Caller& c) {
                          Status st = svc.DeleteServicePrincipal(c, p.at("id"));
                          return st.ok() ? NoContent() : GraphError(st);
                        }),
             /*blocking=*/true);
}

// GET /v1.0/directoryObjects/{id}: a user, group or service principal (not deleted) with its
// "@odata.type", as clients resolve a principalId whose kind they do not know.
void RegisterDirectoryObjects(Router& router, const GraphContext& ctx) {
  PimService& svc = ctx.service;
  router.Add("GET", "/v1.0/directoryObjects/{id}", "directoryObjects.get",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
               return ServeEntity(req, MembersSpec(), [&]() -> Result<json::object> {
                 ASSIGN_OR_RETURN(Principal o, svc.GetPrincipal(c, p.at("id")));
                 if (o.deleted) {
                   return NotFound("Resource '" + p.at("id") + "' does not exist.");
                 }
                 return DirectoryObjectToGraph(o);
               });
             }));
}

}  // namespace

void RegisterDirectoryRoutes(Router& router, const GraphContext& context) {
  RegisterUsers(router, context);
  RegisterGroups(router, context);
  RegisterServicePrincipals(router, context);
  RegisterDirectoryObjects(router, context);
}

}  // namespace pim::http
