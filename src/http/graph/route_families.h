// One registration function per resource family (one .cc each). Private to http/graph.
#pragma once

#include "http/graph/graph_context.h"
#include "http/router.h"

namespace pim::http {

void RegisterTokenRoutes(Router& router, const GraphContext& context);      // token_endpoint.cc
void RegisterDirectoryRoutes(Router& router, const GraphContext& context);  // directory_routes.cc
void RegisterAuthMethodRoutes(Router& router,
                              const GraphContext& context);  // auth_method_routes.cc
void RegisterRoleDefinitionRoutes(Router& router, const GraphContext& context);
void RegisterRequestRoutes(Router& router, const GraphContext& context);
void RegisterScheduleRoutes(Router& router, const GraphContext& context);
void RegisterApprovalRoutes(Router& router, const GraphContext& context);
void RegisterPolicyRoutes(Router& router, const GraphContext& context);
void RegisterAuditRoutes(Router& router, const GraphContext& context);

}  // namespace pim::http
