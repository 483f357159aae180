#include "http/graph/codecs_role.h"

#include <boost/json/array.hpp>

#include "http/graph/json_fields.h"

namespace pim::http {
namespace json = boost::json;
namespace {

json::array Strings(const std::vector<std::string>& values) {
  json::array out;
  for (const std::string& v : values) out.emplace_back(v);
  return out;
}

Result<std::vector<RolePermission>> DecodePermissions(
    const std::vector<const json::object*>& objects) {
  std::vector<RolePermission> out;
  for (size_t i = 0; i < objects.size(); ++i) {
    FieldReader r(*objects[i], "rolePermissions[" + std::to_string(i) + "]");
    RolePermission p;
    ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> allowed,
                     r.OptStringArray("allowedResourceActions"));
    if (!allowed) {
      return InvalidArgument("The property '" + r.Name("allowedResourceActions") +
                             "' is required.");
    }
    p.allowed_resource_actions = std::move(*allowed);
    ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> excluded,
                     r.OptStringArray("excludedResourceActions"));
    p.excluded_resource_actions = excluded.value_or(std::vector<std::string>{});
    ASSIGN_OR_RETURN(std::optional<std::string> condition, r.OptString("condition"));
    p.condition = condition.value_or("");
    RETURN_IF_ERROR(r.Finish());
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

json::object RoleDefinitionToGraph(const RoleDefinition& d) {
  json::array permissions;
  for (const RolePermission& p : d.role_permissions) {
    json::object o;
    o["allowedResourceActions"] = Strings(p.allowed_resource_actions);
    o["excludedResourceActions"] = Strings(p.excluded_resource_actions);
    o["condition"] = p.condition.empty() ? json::value(nullptr) : json::value(p.condition);
    permissions.emplace_back(std::move(o));
  }
  json::object out;
  out["id"] = d.id;
  out["displayName"] = d.display_name;
  out["description"] = d.description.empty() ? json::value(nullptr) : json::value(d.description);
  out["isBuiltIn"] = d.is_built_in;
  out["isEnabled"] = d.is_enabled;
  out["templateId"] = d.template_id.empty() ? json::value(nullptr) : json::value(d.template_id);
  out["version"] = d.version.empty() ? json::value(nullptr) : json::value(d.version);
  out["resourceScopes"] = Strings(d.resource_scopes);
  out["rolePermissions"] = std::move(permissions);
  return out;
}

Result<RoleDefinition> DecodeNewRoleDefinition(std::string_view body) {
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  FieldReader r(object, "");
  RoleDefinition d;
  ASSIGN_OR_RETURN(d.display_name, r.NonEmptyString("displayName"));
  ASSIGN_OR_RETURN(std::optional<std::string> description, r.OptString("description"));
  d.description = description.value_or("");
  ASSIGN_OR_RETURN(std::optional<bool> enabled, r.OptBool("isEnabled"));
  d.is_enabled = enabled.value_or(true);
  ASSIGN_OR_RETURN(std::optional<bool> built_in, r.OptBool("isBuiltIn"));
  if (built_in && *built_in) {
    return InvalidArgument("The property 'isBuiltIn' must be false for a custom role.");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> template_id, r.OptString("templateId"));
  d.template_id = template_id.value_or("");
  ASSIGN_OR_RETURN(std::optional<std::string> version, r.OptString("version"));
  if (version) d.version = *version;
  ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> scopes,
                   r.OptStringArray("resourceScopes"));
  if (scopes) d.resource_scopes = std::move(*scopes);
  ASSIGN_OR_RETURN(std::optional<std::vector<const json::object*>> permissions,
                   r.OptObjectArray("rolePermissions"));
  RETURN_IF_ERROR(r.Finish());
  if (!permissions) return InvalidArgument("The property 'rolePermissions' is required.");
  ASSIGN_OR_RETURN(d.role_permissions, DecodePermissions(*permissions));
  return d;
}

Result<RoleDefinition> DecodeRoleDefinitionPatch(std::string_view body, RoleDefinition current) {
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  FieldReader r(object, "");
  ASSIGN_OR_RETURN(std::optional<std::string> name, r.OptString("displayName"));
  if (name) {
    if (name->empty()) return InvalidArgument("The property 'displayName' must not be empty.");
    current.display_name = std::move(*name);
  }
  ASSIGN_OR_RETURN(std::optional<std::string> description, r.OptString("description"));
  if (description) current.description = std::move(*description);
  ASSIGN_OR_RETURN(std::optional<bool> enabled, r.OptBool("isEnabled"));
  if (enabled) current.is_enabled = *enabled;
  ASSIGN_OR_RETURN(std::optional<std::vector<const json::object*>> permissions,
                   r.OptObjectArray("rolePermissions"));
  for (const char* fixed : {"id", "isBuiltIn", "templateId", "version", "resourceScopes"}) {
    RETURN_IF_ERROR(r.Unsupported(fixed, "cannot be changed"));
  }
  RETURN_IF_ERROR(r.Finish());
  if (permissions) {
    ASSIGN_OR_RETURN(current.role_permissions, DecodePermissions(*permissions));
  }
  return current;
}

}  // namespace pim::http
