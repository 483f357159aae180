#include "cli/resolve.h"

#include <boost/url/encode.hpp>
#include <boost/url/grammar/lut_chars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <vector>

#include "core/ids.h"

namespace pim::cli {

std::string PathSegment(std::string_view s) {
  constexpr boost::urls::grammar::lut_chars kSegmentChars =
      boost::urls::unreserved_chars + boost::urls::grammar::lut_chars("@");
  return boost::urls::encode(s, kSegmentChars);
}

Status Directory::LoadRoles() {
  if (roles_loaded_) return Status::Ok();
  ASSIGN_OR_RETURN(json::array roles, api_.GetAll(std::string(kDirectory) + "/roleDefinitions"));
  for (const json::value& r : roles) {
    const std::string id = Str(r, "id");
    if (!id.empty()) role_names_[ToLower(id)] = Str(r, "displayName");
  }
  roles_loaded_ = true;
  return Status::Ok();
}

Result<std::string> Directory::RoleId(std::string_view name_or_id) {
  RETURN_IF_ERROR(LoadRoles());
  if (auto it = role_names_.find(ToLower(name_or_id)); it != role_names_.end()) return it->first;
  std::vector<std::string> matches;
  for (const auto& [id, name] : role_names_) {
    if (EqualsIgnoreCase(name, name_or_id)) matches.push_back(id);
  }
  if (matches.empty()) {
    return NotFound("no role named '" + std::string(name_or_id) + "' (see 'pim roles')");
  }
  if (matches.size() > 1) {
    return InvalidArgument("several roles are named '" + std::string(name_or_id) +
                           "'; give the role id");
  }
  return matches.front();
}

std::string Directory::RoleName(const std::string& id) {
  if (!LoadRoles().ok()) return id;
  auto it = role_names_.find(ToLower(id));
  return it == role_names_.end() || it->second.empty() ? id : it->second;
}

Result<std::string> Directory::UserId(std::string_view upn_or_id) {
  if (IsGuid(upn_or_id)) return ToLower(upn_or_id);
  Result<json::value> user = api_.Get("/v1.0/users/" + PathSegment(upn_or_id));
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kNotFound) {
      return NotFound("no user '" + std::string(upn_or_id) + "'");
    }
    return user.status();
  }
  const std::string id = Str(*user, "id");
  if (id.empty()) return Status(StatusCode::kUnavailable, "server sent a user without id");
  principal_names_[id] = Str(*user, "userPrincipalName");
  return id;
}

std::string Directory::PrincipalName(const std::string& id) {
  if (id.empty()) return id;
  if (auto it = principal_names_.find(id); it != principal_names_.end()) {
    return it->second.empty() ? id : it->second;
  }
  std::string name;
  if (Result<json::value> user = api_.Get("/v1.0/users/" + PathSegment(id)); user.ok()) {
    name = Str(*user, "userPrincipalName");
    if (name.empty()) name = Str(*user, "displayName");
  }
  principal_names_[id] = name;
  return name.empty() ? id : name;
}

}  // namespace pim::cli
