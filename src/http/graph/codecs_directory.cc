#include "http/graph/codecs_directory.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "core/ids.h"
#include "http/graph/json_fields.h"

namespace pim::http {
namespace json = boost::json;
namespace {

json::value OrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}

json::value TimeOrNull(const std::optional<Timestamp>& t) {
  if (!t) return nullptr;
  return json::value(FormatTimestamp(*t));
}

Status RequireFalse(FieldReader& r, std::string_view field) {
  ASSIGN_OR_RETURN(std::optional<bool> v, r.OptBool(field));
  if (v && *v) {
    return InvalidArgument("The property '" + r.Name(field) +
                           "' is not supported (must be false).");
  }
  return Status::Ok();
}

}  // namespace

json::object UserToGraph(const Principal& u) {
  json::object out;
  out["id"] = u.id;
  out["displayName"] = u.display_name;
  out["userPrincipalName"] = u.user_principal_name;
  out["mail"] = OrNull(u.mail);
  out["accountEnabled"] = u.account_enabled;
  out["createdDateTime"] = FormatTimestamp(u.created);
  out["deletedDateTime"] = TimeOrNull(u.deleted);
  return out;
}

json::object GroupToGraph(const Principal& g) {
  json::object out;
  out["id"] = g.id;
  out["displayName"] = g.display_name;
  out["description"] = OrNull(g.description);
  out["isAssignableToRole"] = g.is_assignable_to_role;
  out["securityEnabled"] = true;
  out["mailEnabled"] = false;
  out["mail"] = OrNull(g.mail);
  out["createdDateTime"] = FormatTimestamp(g.created);
  out["deletedDateTime"] = TimeOrNull(g.deleted);
  return out;
}

json::object ServicePrincipalToGraph(const Principal& sp) {
  json::object out;
  out["id"] = sp.id;
  out["appId"] = OrNull(sp.app_id);
  out["displayName"] = sp.display_name;
  out["description"] = OrNull(sp.description);
  out["accountEnabled"] = sp.account_enabled;
  out["createdDateTime"] = FormatTimestamp(sp.created);
  out["deletedDateTime"] = TimeOrNull(sp.deleted);
  return out;
}

json::object DirectoryObjectToGraph(const Principal& p) {
  json::object body;
  const char* type = "#microsoft.graph.user";
  switch (p.kind) {
    case PrincipalKind::kUser:
      body = UserToGraph(p);
      break;
    case PrincipalKind::kGroup:
      body = GroupToGraph(p);
      type = "#microsoft.graph.group";
      break;
    case PrincipalKind::kServicePrincipal:
      body = ServicePrincipalToGraph(p);
      type = "#microsoft.graph.servicePrincipal";
      break;
  }
  json::object out;
  out["@odata.type"] = type;
  for (auto& member : body) out[member.key()] = std::move(member.value());
  return out;
}

json::object PasswordCredentialToGraph(const PasswordCredential& c) {
  json::object out;
  out["customKeyIdentifier"] = nullptr;
  out["displayName"] = OrNull(c.display_name);
  out["endDateTime"] = FormatTimestamp(c.end);
  out["hint"] = c.hint;
  out["keyId"] = c.key_id;
  out["secretText"] = c.secret_text;
  out["startDateTime"] = FormatTimestamp(c.start);
  return out;
}

json::object TotpEnrollmentToGraph(const TotpEnrollment& e) {
  json::object out;
  out["id"] = e.method.id;
  out["secretKey"] = e.secret_key;
  out["otpauthUri"] = e.otpauth_uri;
  out["createdDateTime"] = FormatTimestamp(e.method.created);
  return out;
}

json::object TotpMethodToGraph(const TotpMethod& m) {
  json::object out;
  out["id"] = m.id;
  out["secretKey"] = nullptr;
  out["createdDateTime"] = FormatTimestamp(m.created);
  out["pimVerified"] = m.verified;
  return out;
}

Result<NewUser> DecodeNewUser(std::string_view body) {
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  FieldReader r(object, "");
  NewUser user;
  ASSIGN_OR_RETURN(user.display_name, r.NonEmptyString("displayName"));
  ASSIGN_OR_RETURN(user.user_principal_name, r.NonEmptyString("userPrincipalName"));
  ASSIGN_OR_RETURN(std::optional<std::string> mail, r.OptString("mail"));
  user.mail = mail.value_or("");
  ASSIGN_OR_RETURN(std::optional<bool> enabled, r.OptBool("accountEnabled"));
  user.account_enabled = enabled.value_or(true);
  ASSIGN_OR_RETURN(std::optional<std::string> nickname, r.OptString("mailNickname"));
  (void)nickname;  // accepted for Graph compatibility; pim has no mailboxes
  ASSIGN_OR_RETURN(const json::object* profile, r.OptObject("passwordProfile"));
  RETURN_IF_ERROR(r.Finish());
  if (profile == nullptr) return InvalidArgument("The property 'passwordProfile' is required.");
  FieldReader p(*profile, "passwordProfile");
  ASSIGN_OR_RETURN(user.password, p.NonEmptyString("password"));
  RETURN_IF_ERROR(RequireFalse(p, "forceChangePasswordNextSignIn"));
  RETURN_IF_ERROR(RequireFalse(p, "forceChangePasswordNextSignInWithMfa"));
  RETURN_IF_ERROR(p.Finish());
  return user;
}

Result<UserPatch> DecodeUserPatch(std::string_view body) {
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  FieldReader r(object, "");
  UserPatch patch;
  ASSIGN_OR_RETURN(patch.display_name, r.OptString("displayName"));
  if (patch.display_name && patch.display_name->empty()) {
    return InvalidArgument("The property 'displayName' must not be empty.");
  }
  ASSIGN_OR_RETURN(patch.mail, r.OptString("mail"));
  ASSIGN_OR_RETURN(patch.account_enabled, r.OptBool("accountEnabled"));
  ASSIGN_OR_RETURN(const json::object* profile, r.OptObject("passwordProfile"));
  RETURN_IF_ERROR(r.Unsupported("userPrincipalName", "cannot be changed"));
  RETURN_IF_ERROR(r.Finish());
  if (profile != nullptr) {
    FieldReader p(*profile, "passwordProfile");
    ASSIGN_OR_RETURN(std::string password, p.NonEmptyString("password"));
    RETURN_IF_ERROR(RequireFalse(p, "forceChangePasswordNextSignIn"));
    RETURN_IF_ERROR(RequireFalse(p, "forceChangePasswordNextSignInWithMfa"));
    RETURN_IF_ERROR(p.Finish());
    patch.password = std::move(password);
  }
  return patch;
}

Result<PasswordChange> DecodePasswordChange(std::string_view body) {
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  FieldReader r(object, "");
  PasswordChange change;
  ASSIGN_OR_RETURN(change.current_password, r.NonEmptyString("currentPassword"));
  ASSIGN_OR_RETURN(change.new_password, r.NonEmptyString("newPassword"));
  RETURN_IF_ERROR(r.Finish());
  return change;
}

Result<std::string> MemberIdFromODataId(std::string_view odata_id) {
  auto bad = [&] {
    return InvalidArgument(
        "Invalid value for '@odata.id': expected a URL ending in "
        "/directoryObjects/{id}, got '" +
        std::string(odata_id) + "'.");
  };
  auto parsed = boost::urls::parse_uri_reference(odata_id);
  if (!parsed) return bad();
  std::vector<std::string> segments;
  for (auto segment : parsed->segments()) segments.emplace_back(segment);
  if (segments.size() < 2) return bad();
  const std::string& collection = segments[segments.size() - 2];
  if (collection != "directoryObjects" && collection != "users" && collection != "groups" &&
      collection != "servicePrincipals") {
    return bad();
  }
  const std::string& id = segments.back();
  if (id.empty()) return bad();
  return id;
}

Result<NewGroup> DecodeNewGroup(std::string_view body) {
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  FieldReader r(object, "");
  NewGroup group;
  ASSIGN_OR_RETURN(group.display_name, r.NonEmptyString("displayName"));
  ASSIGN_OR_RETURN(std::optional<std::string> description, r.OptString("description"));
  group.description = description.value_or("");
  ASSIGN_OR_RETURN(std::optional<bool> assignable, r.OptBool("isAssignableToRole"));
  group.is_assignable_to_role = assignable.value_or(true);
  ASSIGN_OR_RETURN(std::optional<bool> security, r.OptBool("securityEnabled"));
  if (security && !*security) {
    return InvalidArgument("The property 'securityEnabled' is not supported (must be true).");
  }
  RETURN_IF_ERROR(RequireFalse(r, "mailEnabled"));
  ASSIGN_OR_RETURN(std::optional<std::string> nickname, r.OptString("mailNickname"));
  (void)nickname;  // accepted for Graph compatibility
  ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> members,
                   r.OptStringArray("members@odata.bind"));
  RETURN_IF_ERROR(r.Finish());
  for (const std::string& link : members.value_or(std::vector<std::string>{})) {
    Result<std::string> id = MemberIdFromODataId(link);
    if (!id.ok()) {
      return InvalidArgument("Invalid value in 'members@odata.bind': '" + link +
                             "' is not a /directoryObjects/{id} URL.");
    }
    group.member_ids.push_back(*id);
  }
  return group;
}

Result<std::string> DecodeMemberRef(std::string_view body) {
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  FieldReader r(object, "");
  ASSIGN_OR_RETURN(std::string odata_id, r.NonEmptyString("@odata.id"));
  RETURN_IF_ERROR(r.Finish());
  return MemberIdFromODataId(odata_id);
}

Result<NewServicePrincipal> DecodeNewServicePrincipal(std::string_view body) {
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  FieldReader r(object, "");
  NewServicePrincipal sp;
  ASSIGN_OR_RETURN(sp.display_name, r.NonEmptyString("displayName"));
  ASSIGN_OR_RETURN(std::optional<std::string> description, r.OptString("description"));
  sp.description = description.value_or("");
  RETURN_IF_ERROR(r.Unsupported("appId", "is assigned by pim and cannot be given"));
  RETURN_IF_ERROR(r.Finish());
  return sp;
}

Result<std::string> DecodeAddPassword(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::string();
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  FieldReader r(object, "");
  ASSIGN_OR_RETURN(const json::object* credential, r.OptObject("passwordCredential"));
  RETURN_IF_ERROR(r.Finish());
  if (credential == nullptr) return std::string();
  FieldReader c(*credential, "passwordCredential");
  ASSIGN_OR_RETURN(std::optional<std::string> name, c.OptString("displayName"));
  RETURN_IF_ERROR(c.Unsupported("startDateTime", "is not supported (secrets start now)"));
  RETURN_IF_ERROR(c.Unsupported("endDateTime", "is not supported (pim sets the lifetime)"));
  RETURN_IF_ERROR(c.Finish());
  return name.value_or("");
}

Result<std::string> DecodeRemovePassword(std::string_view body) {
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  FieldReader r(object, "");
  ASSIGN_OR_RETURN(std::string key_id, r.NonEmptyString("keyId"));
  RETURN_IF_ERROR(r.Finish());
  if (!IsGuid(key_id)) return InvalidArgument("keyId must be a GUID");
  return ToLower(key_id);
}

Result<std::string> DecodeTotpVerify(std::string_view body) {
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  FieldReader r(object, "");
  ASSIGN_OR_RETURN(std::string code, r.NonEmptyString("code"));
  RETURN_IF_ERROR(r.Finish());
  return code;
}

}  // namespace pim::http
