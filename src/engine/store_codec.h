// Store codec: the JSON bodies of the engine's objects in the Store (ObjectWrite.body), and back.
// Instants are integer microseconds, durations integer microseconds, so nothing is lost.
// Decoders are tolerant of missing members (defaults apply) so older rows still load; they fail
// (Internal) only on text that is not a JSON object. Policies use core's EncodePolicy/DecodePolicy.
#pragma once

#include <string>
#include <string_view>

#include "core/model.h"
#include "core/policy.h"
#include "core/status.h"
#include "engine/records.h"

namespace pim {

// Object kinds (ObjectWrite.kind) written by the engine.
namespace kinds {
inline constexpr const char* kPrincipal = "principal";  // users, groups, service principals
inline constexpr const char* kCredential = "credential";
inline constexpr const char* kTotpMethod = "totpMethod";
inline constexpr const char* kSession = "session";
inline constexpr const char* kRoleDefinition = "roleDefinition";
inline constexpr const char* kSchedule = "schedule";  // eligibility and assignment schedules
inline constexpr const char* kRequest = "request";    // both request kinds
inline constexpr const char* kApproval = "approval";
inline constexpr const char* kPolicy = "policy";
inline constexpr const char* kPolicyAssignment = "policyAssignment";
inline constexpr const char* kTimer = "timer";
inline constexpr const char* kSignInThrottle = "signInThrottle";
}  // namespace kinds

std::string EncodePrincipal(const Principal& p);
Result<Principal> DecodePrincipal(std::string_view json);
std::string EncodeRoleDefinition(const RoleDefinition& r);
Result<RoleDefinition> DecodeRoleDefinition(std::string_view json);
std::string EncodeSchedule(const Schedule& s);
Result<Schedule> DecodeSchedule(std::string_view json);
std::string EncodeRequest(const ScheduleRequest& r);
Result<ScheduleRequest> DecodeRequest(std::string_view json);
std::string EncodeApproval(const Approval& a);
Result<Approval> DecodeApproval(std::string_view json);
std::string EncodePolicyAssignment(const PolicyAssignment& a);
Result<PolicyAssignment> DecodePolicyAssignment(std::string_view json);
std::string EncodeCredential(const CredentialRecord& c);
Result<CredentialRecord> DecodeCredential(std::string_view json);
std::string EncodeTotp(const TotpRecord& t);
Result<TotpRecord> DecodeTotp(std::string_view json);
std::string EncodeSession(const SessionRecord& s);
Result<SessionRecord> DecodeSession(std::string_view json);
std::string EncodeSignInThrottle(const SignInThrottle& t);
Result<SignInThrottle> DecodeSignInThrottle(std::string_view json);
std::string EncodeTimerMark(const TimerMark& m);
Result<TimerMark> DecodeTimerMark(std::string_view json);

// Enum spellings shared with audit details (Graph's camelCase).
const char* RequestActionName(RequestAction a);
const char* ExpirationTypeName(ExpirationType t);
const char* PrincipalKindName(PrincipalKind k);  // "user" | "group" | "servicePrincipal"

}  // namespace pim
