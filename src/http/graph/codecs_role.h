// Graph JSON for unifiedRoleDefinition and the strict decoders of its POST and PATCH bodies.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "core/model.h"
#include "core/status.h"

namespace pim::http {

boost::json::object RoleDefinitionToGraph(const RoleDefinition& definition);

// POST: displayName and rolePermissions (each with allowedResourceActions) required;
// description, isEnabled, templateId, version, resourceScopes optional; isBuiltIn must be false
// if given. The id and timestamps are the engine's.
Result<RoleDefinition> DecodeNewRoleDefinition(std::string_view body);
// PATCH: applies displayName, description, isEnabled, rolePermissions onto `current`; any other
// property is refused.
Result<RoleDefinition> DecodeRoleDefinitionPatch(std::string_view body, RoleDefinition current);

}  // namespace pim::http
