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

// Registers the bound OData function or action `operation` (e.g. "cancel" or
// "filterByCurrentUser(on='{on}')") at `parent` + "/" + `operation`, and again under its
// namespace-qualified name (".../microsoft.graph.cancel"), which OData clients may send and Graph
// answers. The other arguments are Router::Add's.
void AddBoundOperation(Router& router, const std::string& method, const std::string& parent,
                       const std::string& operation, const std::string& route_name, Handler handler,
                       bool blocking = false, InlinePredicate inline_if = {});

}  // namespace pim::http
