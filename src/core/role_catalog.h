// The built-in role catalog: Graph's well-known role template ids, display names, descriptions
// and documented rolePermissions.allowedResourceActions.
#pragma once

#include <vector>

#include "core/model.h"

namespace pim {

namespace role_ids {
inline constexpr const char* kGlobalAdministrator = "62e90394-69f5-4237-9190-012177145e10";
inline constexpr const char* kPrivilegedRoleAdministrator = "e8611ab8-c189-46e8-94e1-60213ab1f814";
inline constexpr const char* kSecurityAdministrator = "194ae4cb-b126-40b2-bd5b-6091b380977d";
inline constexpr const char* kUserAdministrator = "fe930be7-5e62-47db-91af-98c3a49a38b1";
inline constexpr const char* kHelpdeskAdministrator = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
inline constexpr const char* kExchangeAdministrator = "29232cdf-9323-42fd-ade2-1d097af3e4de";
inline constexpr const char* kSharePointAdministrator = "f28a1f50-f6e7-4571-818b-6a12f2af6b6c";
inline constexpr const char* kApplicationAdministrator = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
inline constexpr const char* kBillingAdministrator = "b0f54661-2d74-4c50-afa3-1ec803f12efe";
inline constexpr const char* kGlobalReader = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
inline constexpr const char* kSecurityReader = "5d6b6bb7-de71-4623-b4af-96380a352509";
}  // namespace role_ids

// The built-in roles (is_built_in, templateId = id). `created` is left at the epoch; the engine
// stamps it when seeding.
std::vector<RoleDefinition> BuiltInRoleDefinitions();

}  // namespace pim
