// Name resolution for commands: roles by display name or id, users by UPN or id, and the
// reverse (ids to names) for printing. Lookups are cached for the life of the object.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "cli/api_client.h"

namespace pim::cli {

inline constexpr std::string_view kDirectory = "/v1.0/roleManagement/directory";
// The signed-in user's authenticator apps (TOTP), verified ("pimVerified") or not.
inline constexpr std::string_view kOathMethods = "/v1.0/me/authentication/softwareOathMethods";

class Directory {
 public:
  explicit Directory(ApiClient& api) : api_(api) {}

  // The role definition id for a display name (case-insensitive) or an id. NotFound naming the
  // role when none matches; InvalidArgument when a name matches several roles.
  Result<std::string> RoleId(std::string_view name_or_id);
  // Display name for a role definition id; the id itself when unknown.
  std::string RoleName(const std::string& id);

  // The object id for a UPN (GET /v1.0/users/{upn}) or an id (returned as is).
  Result<std::string> UserId(std::string_view upn_or_id);
  // UPN (or display name) for a principal id; the id itself when it cannot be read.
  std::string PrincipalName(const std::string& id);

 private:
  Status LoadRoles();

  ApiClient& api_;
  bool roles_loaded_ = false;
  std::map<std::string, std::string> role_names_;  // lowercase id -> display name
  std::map<std::string, std::string> principal_names_;
};

// Percent-encodes one path segment (e.g. a UPN or an id taken from the user).
std::string PathSegment(std::string_view s);

}  // namespace pim::cli
