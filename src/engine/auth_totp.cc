// TOTP enrollment (softwareOathMethods) per CONTRACT.md: enroll returns the secret once;
// verifying a first code completes enrollment. Failed codes count towards the lockout.
#include <boost/json.hpp>

#include "engine/engine_state.h"
#include "engine/pim_service.h"
#include "engine/sign_in_limits.h"
#include "engine/store_codec.h"

namespace pim {
namespace {

// Adding an authenticator when the user has a verified one needs that factor proven recently:
// both to start an enrollment and to complete one (it may have been started before the other
// was verified). OK, or PermissionDenied with innerError code MfaRequired.
Status CheckMayAddFactor(const EngineState& s, const Caller& caller, const std::string& user_id,
                         Timestamp now) {
  bool has_verified = false;
  s.totp_methods.ForEach([&](const TotpRecord& t) {
    has_verified = has_verified || (t.user_id == user_id && t.verified);
  });
  bool fresh = caller.mfa_time && *caller.mfa_time + s.options.mfa_freshness >= now;
  if (!has_verified || fresh) return Status::Ok();
  return Status(StatusCode::kPermissionDenied,
                "registering another authenticator needs a recent one-time code", "",
                R"({"code":"MfaRequired"})");
}

}  // namespace

Result<TotpEnrollment> PimService::EnrollTotp(const Caller& caller) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  const Principal* user = s.LivePrincipal(caller.principal_id);
  if (!user || user->kind != PrincipalKind::kUser) {
    return InvalidArgument("only users can register an authenticator app");
  }
  const Timestamp now = s.clock.Now();
  RETURN_IF_ERROR(CheckMayAddFactor(s, caller, user->id, now));
  std::string secret = NewTotpSecret();
  TotpRecord rec;
  rec.id = s.ids.NewId();
  rec.user_id = user->id;
  rec.sealed_secret_b64 = Base64Encode(s.secrets.Seal(secret));
  rec.created = now;
  Txn txn;
  s.totp_methods.Put(rec.id, rec);
  txn.Put(kinds::kTotpMethod, rec.id, EncodeTotp(rec));
  AuditEvent e = s.Event(caller, "UserManagement", "User registered authenticator app", "Add");
  e.targets.push_back(s.PrincipalTarget(user->id));
  e.details.emplace_back("methodId", rec.id);
  s.Audit(txn, caller, std::move(e));
  TotpEnrollment out;
  out.method = {rec.id, rec.user_id, false, rec.created};
  out.secret_key = Base32Encode(secret);
  out.otpauth_uri = OtpauthUri("pim", user->user_principal_name, secret);
  s.Commit(lock, std::move(txn));
  return out;
}

Status PimService::VerifyTotpEnrollment(const Caller& caller, const std::string& method_id,
                                        const std::string& code) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  const TotpRecord* rec = s.totp_methods.Find(method_id);
  if (!rec || rec->user_id != caller.principal_id) {
    return NotFound("softwareOathMethod '" + method_id + "' not found");
  }
  const Principal user = *s.principals.Find(caller.principal_id);
  Txn txn;
  const Timestamp now = s.clock.Now();
  if (!rec->verified) RETURN_IF_ERROR(CheckMayAddFactor(s, caller, user.id, now));
  // A break-glass account's throttle is on sign-ins: its session may verify codes.
  if (auto block = user.break_glass ? std::nullopt : BlockedUntil(s, user, caller.ip, now)) {
    Status st(StatusCode::kResourceExhausted, "too many failed attempts");
    st.set_retry_after(static_cast<int>((block->until - now).seconds() + 1));
    AuditEvent e = s.Event(caller, "Authentication", "Sign-in failed", "Other");
    e.result = "failure";
    e.result_reason = std::string(block->reason) + " (authenticator app verification)";
    e.targets.push_back(s.PrincipalTarget(user.id));
    txn.events.push_back(std::move(e));
    return s.CommitRefusal(lock, std::move(txn), st);
  }
  if (!CheckTotp(s, txn, user.id, code, /*verified_only=*/false, method_id)) {
    CountAuthFailure(s, txn, user, caller.ip, "invalid code while verifying an authenticator app");
    return s.CommitRefusal(lock, std::move(txn), InvalidArgument("invalid or reused code"));
  }
  TotpRecord updated = *rec;
  bool was_verified = updated.verified;
  updated.verified = true;
  s.totp_methods.Put(updated.id, updated);
  txn.Put(kinds::kTotpMethod, updated.id, EncodeTotp(updated));
  AuditEvent e = s.Event(caller, "UserManagement", "User verified authenticator app", "Update");
  e.targets.push_back(s.PrincipalTarget(user.id));
  e.details.emplace_back("methodId", updated.id);
  e.details.emplace_back("alreadyVerified", was_verified ? "true" : "false");
  s.Audit(txn, caller, std::move(e));
  // An authenticator that starts proving MFA: its owner should hear of it, in case it is not
  // theirs (a first one needs only the password).
  if (!was_verified) {
    s.Emit(txn, "authenticatorRegistered",
           boost::json::serialize(boost::json::object{
               {"userId", user.id}, {"methodId", updated.id}, {"ipAddress", caller.ip}}));
  }
  s.Commit(lock, std::move(txn));
  return Status::Ok();
}

Result<std::vector<TotpMethod>> PimService::ListTotpMethods(const Caller& caller,
                                                            const std::string& user_id) const {
  const State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  if (user_id != caller.principal_id && !s.IsUserAdmin(caller) && !s.IsReader(caller)) {
    return PermissionDenied("only the user and administrators may list authentication methods");
  }
  SharedLock lock(s.mu);
  if (!s.principals.Find(user_id)) return NotFound("user '" + user_id + "' not found");
  std::vector<TotpMethod> out;
  s.totp_methods.ForEach([&](const TotpRecord& t) {
    if (t.user_id == user_id) out.push_back({t.id, t.user_id, t.verified, t.created});
  });
  return out;
}

}  // namespace pim
