// Graph JSON for directory objects (user, group, servicePrincipal), service-principal password
// credentials and softwareOathAuthenticationMethod, and the strict decoders of their bodies.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "engine/pim_service.h"

namespace pim::http {

// Plain entity shapes (no "@odata.type").
boost::json::object UserToGraph(const Principal& user);
boost::json::object GroupToGraph(const Principal& group);
boost::json::object ServicePrincipalToGraph(const Principal& sp);
// The shape for the principal's kind with "@odata.type" ("#microsoft.graph.user", ...), as
// used for directoryObject collections (group members) and $expand=principal.
boost::json::object DirectoryObjectToGraph(const Principal& principal);

boost::json::object PasswordCredentialToGraph(const PasswordCredential& credential);
// The POST response: id, secretKey, otpauthUri, createdDateTime.
boost::json::object TotpEnrollmentToGraph(const TotpEnrollment& enrollment);
// A listed method: secretKey is null; pimVerified tells whether enrollment completed.
boost::json::object TotpMethodToGraph(const TotpMethod& method);

// POST /users: displayName, userPrincipalName and passwordProfile.password required; mail,
// accountEnabled, mailNickname (ignored), passwordProfile.forceChangePasswordNextSignIn*
// (must be false or absent) optional.
Result<NewUser> DecodeNewUser(std::string_view body);
// PATCH /users/{id}: displayName, mail, accountEnabled, passwordProfile.password.
Result<UserPatch> DecodeUserPatch(std::string_view body);
// POST /me/changePassword: {"currentPassword": "...", "newPassword": "..."}, both required.
struct PasswordChange {
  std::string current_password;
  std::string new_password;
};
Result<PasswordChange> DecodePasswordChange(std::string_view body);

// A group's member reference: the id at the end of ".../directoryObjects/{id}" (also users/,
// groups/, servicePrincipals/). InvalidArgument naming '@odata.id' otherwise.
Result<std::string> MemberIdFromODataId(std::string_view odata_id);
// POST /groups: displayName required; description, isAssignableToRole, securityEnabled (must
// be true if given), mailEnabled (must be false if given), mailNickname (ignored), and
// "members@odata.bind": [".../directoryObjects/{id}", ...].
Result<NewGroup> DecodeNewGroup(std::string_view body);
// POST /groups/{id}/members/$ref: {"@odata.id": "..."} -> member id.
Result<std::string> DecodeMemberRef(std::string_view body);

// POST /servicePrincipals: displayName required; description optional. appId is refused (pim
// makes its own).
Result<NewServicePrincipal> DecodeNewServicePrincipal(std::string_view body);
// POST /servicePrincipals/{id}/addPassword: {"passwordCredential":{"displayName"}}; the body
// may be empty. Returns the display name ("" when none).
Result<std::string> DecodeAddPassword(std::string_view body);
// removePassword's body, {"keyId": "<guid>"}: the keyId.
Result<std::string> DecodeRemovePassword(std::string_view body);
// POST .../softwareOathMethods/{id}/verify: {"code":"123456"} -> the code.
Result<std::string> DecodeTotpVerify(std::string_view body);

}  // namespace pim::http
