#include "http/graph/graph_routes.h"

#include "http/graph/route_families.h"

namespace pim::http {

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
