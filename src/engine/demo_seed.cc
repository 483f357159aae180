#include "engine/demo_seed.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>
#include <vector>

#include "auth/crypto.h"
#include "core/policy.h"
#include "core/role_catalog.h"

namespace pim {

namespace {

namespace json = boost::json;

constexpr const char* kDemoIp = "127.0.0.1";

struct DemoUser {
  std::string upn;
  std::string display_name;
  std::string password;
  std::string id;
  std::string roles;  // for the credentials file
};

Result<std::string> CreateDemoUser(PimService& svc, const Caller& admin, DemoUser& user) {
  NewUser input;
  input.display_name = user.display_name;
  input.user_principal_name = user.upn;
  input.mail = user.upn;
  input.password = user.password;
  ASSIGN_OR_RETURN(Principal created, svc.CreateUser(admin, input));
  return created.id;
}

// An adminAssign request without expiration, or for the longest the role's policy allows
// (Expiration_Admin_Eligibility / Expiration_Admin_Assignment) when it demands one.
Status AdminAssign(PimService& svc, const Caller& admin, ScheduleKind kind,
                   const std::string& principal_id, const std::string& role_id) {
  ASSIGN_OR_RETURN(Policy policy, svc.EffectivePolicy(role_id, "/"));
  const ExpirationRule& expiration = kind == ScheduleKind::kEligibility
                                         ? policy.expiration_admin_eligibility
                                         : policy.expiration_admin_assignment;
  ScheduleRequestInput input;
  input.kind = kind;
  input.action = RequestAction::kAdminAssign;
  input.principal_id = principal_id;
  input.role_definition_id = role_id;
  input.directory_scope_id = "/";
  input.justification = "Demo tenant (pimd init --demo)";
  if (expiration.is_expiration_required) {
    input.schedule_info.type = ExpirationType::kAfterDuration;
    input.schedule_info.duration = expiration.maximum_duration;
  } else {
    input.schedule_info.type = ExpirationType::kNoExpiration;
  }
  return svc.SubmitRequest(admin, input).status();
}

// Makes `approver` the primary approver of Global Administrator activations (approval required,
// one stage), keeping the rest of the policy's Approval_EndUser_Assignment rule.
Status SetGlobalAdminApprover(PimService& svc, const Caller& admin, const DemoUser& approver) {
  ASSIGN_OR_RETURN(std::vector<PolicyAssignment> assignments, svc.ListPolicyAssignments(admin));
  std::string policy_id;
  for (const PolicyAssignment& a : assignments) {
    if (a.role_definition_id == role_ids::kGlobalAdministrator && a.scope_id == "/") {
      policy_id = a.policy_id;
    }
  }
  if (policy_id.empty()) return NotFound("No policy is assigned to Global Administrator at '/'.");
  const std::string rule_id = "Approval_EndUser_Assignment";
  ASSIGN_OR_RETURN(Policy policy, svc.GetPolicy(admin, policy_id));
  ASSIGN_OR_RETURN(json::object rule, RuleToGraph(policy, rule_id));

  json::value& setting_value = rule["setting"];
  if (!setting_value.is_object()) setting_value.emplace_object();
  json::object& setting = setting_value.as_object();
  json::object stage;
  if (auto* stages = setting.if_contains("approvalStages");
      stages != nullptr && stages->is_array() && !stages->as_array().empty() &&
      stages->as_array()[0].is_object()) {
    stage = stages->as_array()[0].as_object();
  }
  stage["primaryApprovers"] = json::array{json::object{
      {"@odata.type", "#microsoft.graph.singleUser"},
      {"userId", approver.id},
      {"description", approver.display_name},
  }};
  setting["isApprovalRequired"] = true;
  setting["approvalMode"] = "SingleStage";
  setting["approvalStages"] = json::array{std::move(stage)};
  return svc.PatchPolicyRule(admin, policy_id, rule_id, json::serialize(rule)).status();
}

// Signs the requester in, enrolls TOTP and completes the enrollment with the current code.
// Returns the base32 secret.
Result<std::string> EnrollRequesterTotp(PimService& svc, const Clock& clock,
                                        const DemoUser& requester) {
  ASSIGN_OR_RETURN(TokenGrant grant,
                   svc.PasswordGrant(requester.upn, requester.password, std::nullopt, kDemoIp));
  ASSIGN_OR_RETURN(Caller caller, svc.Authenticate(grant.access_token, kDemoIp));
  ASSIGN_OR_RETURN(TotpEnrollment enrollment, svc.EnrollTotp(caller));
  ASSIGN_OR_RETURN(std::string raw_secret, Base32Decode(enrollment.secret_key));
  // The previous step's code (still inside the +-1 step window) completes the enrollment, so the
  // code on the user's authenticator right now has not been used and works at once.
  RETURN_IF_ERROR(svc.VerifyTotpEnrollment(
      caller, enrollment.method.id, TotpCode(raw_secret, clock.Now() - Duration::Seconds(30))));
  RETURN_IF_ERROR(svc.RevokeSession(caller));
  return enrollment.secret_key;
}

std::string CredentialsText(const std::vector<DemoUser>& users, const std::string& totp_secret,
                            const std::string& server) {
  std::string text =
      "# pim demo tenant, created by `pimd init --demo`. Keep this file private (mode 600).\n\n";
  for (const DemoUser& u : users) {
    text += u.upn + "\n";
    text += "  password: " + u.password + "\n";
    text += "  roles:    " + u.roles + "\n";
    if (u.upn == users.front().upn) {
      text += "  TOTP secret (base32): " + totp_secret + "   code: oathtool --totp -b " +
              totp_secret + "\n";
    }
    text += "\n";
  }
  const DemoUser& requester = users.front();
  text += "# Sign in as the requester (pimd listening on " + server + "):\n";
  text += "PIM_PASSWORD='" + requester.password + "' pim login --server " + server + " --user " +
          requester.upn + " --otp \"$(oathtool --totp -b " + totp_secret + ")\"\n";
  text += "curl -s " + server +
          "/oauth2/v2.0/token -d grant_type=password -d username=" + requester.upn +
          " --data-urlencode 'password=" + requester.password + "' -d otp=\"$(oathtool --totp -b " +
          totp_secret + ")\"\n";
  return text;
}

Status WritePrivateFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("Cannot create " + path + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0;
  size_t written = 0;
  while (ok && written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<size_t>(n);
  }
  ok = (::close(fd) == 0) && ok;
  if (!ok) return Internal("Cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace

std::string GenerateRandomPassword(size_t length) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  // 62 symbols: bytes >= 248 (= 4 * 62) are rejected so every symbol is equally likely.
  std::string out;
  while (out.size() < length) {
    for (unsigned char b : RandomBytes(length)) {
      if (b < 248 && out.size() < length) out += kAlphabet[b % kAlphabet.size()];
    }
  }
  return out;
}

Status SeedDemoTenant(PimService& svc, const Clock& clock, const Caller& admin,
                      const std::string& credentials_path, const std::string& server_url) {
  std::vector<DemoUser> users = {
      {"requester@pim.local", "Demo Requester", GenerateRandomPassword(), "",
       "eligible for Global Administrator (approval by approver@pim.local, MFA) and Security "
       "Administrator"},
      {"approver@pim.local", "Demo Approver", GenerateRandomPassword(), "",
       "approves Global Administrator activations"},
      {"auditor@pim.local", "Demo Auditor", GenerateRandomPassword(), "", "active Global Reader"},
  };
  for (DemoUser& user : users) {
    ASSIGN_OR_RETURN(user.id, CreateDemoUser(svc, admin, user));
  }
  DemoUser& requester = users[0];
  DemoUser& approver = users[1];
  DemoUser& auditor = users[2];

  RETURN_IF_ERROR(AdminAssign(svc, admin, ScheduleKind::kEligibility, requester.id,
                              role_ids::kGlobalAdministrator));
  RETURN_IF_ERROR(AdminAssign(svc, admin, ScheduleKind::kEligibility, requester.id,
                              role_ids::kSecurityAdministrator));
  RETURN_IF_ERROR(
      AdminAssign(svc, admin, ScheduleKind::kAssignment, auditor.id, role_ids::kGlobalReader));
  RETURN_IF_ERROR(SetGlobalAdminApprover(svc, admin, approver));
  ASSIGN_OR_RETURN(std::string totp_secret, EnrollRequesterTotp(svc, clock, requester));
  return WritePrivateFile(credentials_path, CredentialsText(users, totp_secret, server_url));
}

}  // namespace pim
