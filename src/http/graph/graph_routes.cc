#include "http/graph/graph_routes.h"

#include "http/graph/route_families.h"

namespace pim::http {

void AddBoundOperation(Router& router, const std::string& method, const std::string& parent,
                       const std::string& operation, const std::string& route_name, Handler handler,
                       bool blocking, InlinePredicate inline_if) {
  router.Add(method, parent + "/microsoft.graph." + operation, route_name, handler, blocking,
             inline_if);
  router.Add(method, parent + "/" + operation, route_name, std::move(handler), blocking,
             std::move(inline_if));
}

void RegisterGraphRoutes(Router& router, PimService& service, Store& store, const Clock& clock) {
  const GraphContext context{service, store, clock};
  RegisterTokenRoutes(router, context);
  RegisterDirectoryRoutes(router, context);
  RegisterAuthMethodRoutes(router, context);
  RegisterRoleDefinitionRoutes(router, context);
  RegisterRequestRoutes(router, context);
  RegisterScheduleRoutes(router, context);
  RegisterApprovalRoutes(router, context);
  RegisterPolicyRoutes(router, context);
  RegisterAuditRoutes(router, context);
}

}  // namespace pim::http
