// Token grants (password, client_credentials, refresh_token), a user's own password change,
// bearer-token resolution and sign-out (CONTRACT.md "Authentication"); the limits on failed
// sign-ins they apply are in sign_in_limits.cc.
//
// Errors carry the OAuth2 code in Status::error_code: "invalid_request" (InvalidArgument),
// "invalid_grant" (InvalidArgument; ResourceExhausted with retry_after while locked or
// throttled), "invalid_client" (Unauthenticated).
#include <algorithm>
#include <boost/json.hpp>

#include "engine/engine_state.h"
#include "engine/pim_service.h"
#include "engine/sign_in_limits.h"
#include "engine/store_codec.h"
#include "engine/validation.h"

namespace pim {
namespace {

Status OAuthError(StatusCode code, std::string message, const char* oauth_code) {
  return Status(code, std::move(message), oauth_code);
}
Status InvalidGrant(std::string message) {
  return OAuthError(StatusCode::kInvalidArgument, std::move(message), "invalid_grant");
}

TokenGrant IssueSession(EngineState& s, Txn& txn, const std::string& principal_id,
                        std::optional<Timestamp> mfa_time, const std::string& ip,
                        bool with_refresh) {
  const Timestamp now = s.clock.Now();
  TokenGrant g;
  g.access_token = RandomToken();
  if (with_refresh) g.refresh_token = RandomToken();
  g.expires_in = s.options.access_token_lifetime.seconds();
  g.mfa_time = mfa_time;
  SessionRecord x;
  x.id = s.ids.NewId();
  x.principal_id = principal_id;
  x.access_hash = Sha256Hex(g.access_token);
  if (with_refresh) x.refresh_hash = Sha256Hex(g.refresh_token);
  x.created = now;
  x.access_expires = now + s.options.access_token_lifetime;
  x.refresh_expires = with_refresh ? now + s.options.refresh_token_lifetime : x.access_expires;
  x.mfa_time = mfa_time;
  x.ip = ip;
  s.PutSession(txn, x);
  return g;
}

// Looks a user up by UPN (case-insensitive) or id. nullptr when unknown.
const Principal* FindUserByName(const EngineState& s, const std::string& name) {
  auto it = s.upn_to_id.find(ToLower(name));
  const Principal* p =
      it != s.upn_to_id.end() ? s.principals.Find(it->second) : s.principals.Find(ToLower(name));
  return p && p->kind == PrincipalKind::kUser ? p : nullptr;
}

}  // namespace

bool CheckTotp(EngineState& s, Txn& txn, const std::string& user_id, const std::string& code,
               bool verified_only, const std::string& method_id) {
  const Timestamp now = s.clock.Now();
  CredentialRecord cred = s.credentials[user_id];
  cred.principal_id = user_id;
  std::optional<int64_t> step;
  s.totp_methods.ForEach([&](const TotpRecord& t) {
    if (step || t.user_id != user_id || (verified_only && !t.verified)) return;
    if (!method_id.empty() && t.id != method_id) return;
    auto sealed = Base64Decode(t.sealed_secret_b64);
    if (!sealed.ok()) return;
    auto secret = s.secrets.Open(*sealed);
    if (!secret.ok()) return;
    // The user's last step guards every verified method against a replayed code. A method being
    // verified for the first time has never given a code: its own first code is not a replay,
    // even in the step of a code another of the user's authenticators gave just before.
    step = VerifyTotp(*secret, code, now, t.verified ? cred.last_totp_step : 0);
  });
  if (!step) return false;
  cred.last_totp_step = std::max(cred.last_totp_step, *step);
  cred.failed_attempts = 0;
  s.PutCredential(txn, cred);
  return true;
}

Result<TokenGrant> PimService::PasswordGrant(const std::string& username,
                                             const std::string& password,
                                             const std::optional<std::string>& otp,
                                             const std::string& ip) {
  State& s = *state_;
  if (username.empty() || password.empty()) {
    return OAuthError(StatusCode::kInvalidArgument, "username and password are required",
                      "invalid_request");
  }
  // Phase 1 (shared lock): who is it, and the hash to check.
  std::string user_id, hash;
  bool blocked = false;
  {
    SharedLock lock(s.mu);
    if (const Principal* p = FindUserByName(s, username)) {
      user_id = p->id;
      auto it = s.credentials.find(p->id);
      if (it != s.credentials.end()) hash = it->second.password_hash;
      blocked = BlockedUntil(s, *p, ip, s.clock.Now()).has_value();
    } else {
      blocked = SourceBlockedUntil(s, ip, s.clock.Now()).has_value();
    }
  }
  // Phase 2 (no lock): the slow argon2id verification, not spent on a blocked sign-in.
  bool password_ok = false;
  if (blocked) {
    // A locked account or a blocked source does not get to test passwords.
  } else if (user_id.empty() || hash.empty()) {
    std::call_once(s.dummy_once, [&] {
      auto h = HashPassword("pim-timing-equaliser", s.options.password_cost);
      if (h.ok()) s.dummy_password_hash = *h;
    });
    if (!s.dummy_password_hash.empty()) (void)VerifyPassword(password, s.dummy_password_hash);
  } else {
    password_ok = VerifyPassword(password, hash);
  }
  // Phase 3 (exclusive lock): apply the outcome.
  ExclusiveLock lock(s.mu);
  const Timestamp now = s.clock.Now();
  Txn txn;
  const Principal* user = user_id.empty() ? nullptr : s.principals.Find(user_id);
  if (!user) {
    // Blocked or not, the same answer as for a known name: it tells nobody which names exist.
    const std::optional<Timestamp> until = SourceBlockedUntil(s, ip, now);
    AuditEvent e = s.Event(Anonymous(ip), "Authentication", "Sign-in failed", "Other");
    e.result = "failure";
    e.result_reason = until ? "source throttled" : "unknown user";
    e.details.emplace_back("userPrincipalName", username);
    txn.events.push_back(std::move(e));
    if (until) return s.CommitRefusal(lock, std::move(txn), TooManyFailures(*until, now));
    CountSourceFailure(s, txn, ip);
    return s.CommitRefusal(lock, std::move(txn), InvalidGrant("invalid username or password"));
  }
  const Principal u = *user;
  if (auto block = BlockedUntil(s, u, ip, now)) {
    AuditEvent e = s.Event(CallerFor(s, u.id, ip), "Authentication", "Sign-in failed", "Other");
    e.result = "failure";
    e.result_reason = block->reason;
    e.targets.push_back(s.PrincipalTarget(u.id));
    txn.events.push_back(std::move(e));
    return s.CommitRefusal(lock, std::move(txn), TooManyFailures(block->until, now));
  }
  auto cred_it = s.credentials.find(u.id);
  if (!password_ok || cred_it == s.credentials.end() || cred_it->second.password_hash != hash) {
    CountAuthFailure(s, txn, u, ip, "invalid password");
    return s.CommitRefusal(lock, std::move(txn), InvalidGrant("invalid username or password"));
  }
  if (u.deleted || !u.account_enabled) {
    AuditEvent e = s.Event(CallerFor(s, u.id, ip), "Authentication", "Sign-in failed", "Other");
    e.result = "failure";
    e.result_reason = u.deleted ? "account deleted" : "account disabled";
    e.targets.push_back(s.PrincipalTarget(u.id));
    txn.events.push_back(std::move(e));
    return s.CommitRefusal(lock, std::move(txn), InvalidGrant("the account is disabled"));
  }
  std::optional<Timestamp> mfa_time;
  if (otp) {
    if (!CheckTotp(s, txn, u.id, *otp, /*verified_only=*/true)) {
      CountAuthFailure(s, txn, u, ip, "invalid or reused one-time code");
      return s.CommitRefusal(lock, std::move(txn), InvalidGrant("invalid one-time code"));
    }
    mfa_time = now;
  }
  CredentialRecord cred = s.credentials[u.id];
  cred.failed_attempts = 0;
  cred.locked_until.reset();
  s.PutCredential(txn, cred);
  if (u.break_glass) {
    const std::string source = ThrottleSource(ip);
    if (s.sign_in_throttles.Contains(source)) s.EraseThrottle(txn, source);
  }
  TokenGrant grant = IssueSession(s, txn, u.id, mfa_time, ip, /*with_refresh=*/true);
  Caller who = CallerFor(s, u.id, ip);
  AuditEvent e = s.Event(who, "Authentication", "Sign-in", "Other");
  e.targets.push_back(s.PrincipalTarget(u.id));
  e.details.emplace_back("grantType", "password");
  e.details.emplace_back("mfa", mfa_time ? "true" : "false");
  s.Audit(txn, who, std::move(e));
  s.Commit(lock, std::move(txn));
  return grant;
}

Status PimService::ChangeOwnPassword(const Caller& caller, const std::string& current_password,
                                     const std::string& new_password) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  if (caller.kind != PrincipalKind::kUser) {
    return PermissionDenied(
        "only users have passwords; a service principal's secrets are "
        "managed with addPassword and removePassword");
  }
  if (current_password.empty()) return InvalidArgument("currentPassword is required");
  RETURN_IF_ERROR(ValidatePassword(new_password));
  if (new_password == current_password) {
    return InvalidArgument("the new password must differ from the current one");
  }
  // Phase 1 (shared lock): the hash to check, unless sign-ins are blocked.
  std::string hash;
  bool blocked = false;
  {
    SharedLock lock(s.mu);
    const Principal* p = s.LivePrincipal(caller.principal_id);
    if (p == nullptr) return Unauthenticated("sign-in required");
    auto it = s.credentials.find(p->id);
    if (it != s.credentials.end()) hash = it->second.password_hash;
    blocked = BlockedUntil(s, *p, caller.ip, s.clock.Now()).has_value();
  }
  // Phase 2 (no lock): argon2id, to check the current password and then hash the new one.
  const bool current_ok = !blocked && !hash.empty() && VerifyPassword(current_password, hash);
  std::string new_hash;
  if (current_ok) {
    ASSIGN_OR_RETURN(new_hash, HashPassword(new_password, s.options.password_cost));
  }
  // Phase 3 (exclusive lock): apply the outcome.
  ExclusiveLock lock(s.mu);
  const Timestamp now = s.clock.Now();
  const Principal* p = s.LivePrincipal(caller.principal_id);
  if (p == nullptr) return Unauthenticated("sign-in required");
  const Principal user = *p;
  Txn txn;
  AuditEvent e = s.Event(caller, "UserManagement", "Change user password", "Update");
  e.targets.push_back(s.PrincipalTarget(user.id));
  if (auto block = BlockedUntil(s, user, caller.ip, now)) {
    e.result = "failure";
    e.result_reason = block->reason;
    s.Audit(txn, caller, std::move(e));
    return s.CommitRefusal(lock, std::move(txn), TooManyFailures(block->until, now));
  }
  auto cred_it = s.credentials.find(user.id);
  if (cred_it == s.credentials.end() || cred_it->second.password_hash != hash) {
    // Changed or reset since phase 1 (or never set): nothing was checked against it.
    return FailedPrecondition("the password changed meanwhile; sign in again");
  }
  if (!current_ok) {
    e.result = "failure";
    e.result_reason = "invalid current password";
    s.Audit(txn, caller, std::move(e));
    CountAuthFailure(s, txn, user, caller.ip, "invalid current password while changing it");
    return s.CommitRefusal(lock, std::move(txn),
                           PermissionDenied("the current password is not correct"));
  }
  CredentialRecord cred = cred_it->second;
  cred.password_hash = std::move(new_hash);
  cred.failed_attempts = 0;
  s.PutCredential(txn, cred);
  e.targets.back().modified.emplace_back("password", "", "(changed)");
  // Whoever else holds a session (a stolen token, a forgotten laptop) is signed out.
  s.RevokeSessionsOf(txn, user.id, caller.session_id);
  s.Audit(txn, caller, std::move(e));
  s.Emit(
      txn, "passwordChanged",
      boost::json::serialize(boost::json::object{{"userId", user.id}, {"ipAddress", caller.ip}}));
  s.Commit(lock, std::move(txn));
  return Status::Ok();
}

Result<TokenGrant> PimService::ClientCredentialsGrant(const std::string& client_id,
                                                      const std::string& secret,
                                                      const std::string& ip) {
  State& s = *state_;
  if (client_id.empty() || secret.empty()) {
    return OAuthError(StatusCode::kInvalidArgument, "client_id and client_secret are required",
                      "invalid_request");
  }
  const std::string secret_hash = Sha256Hex(secret);
  ExclusiveLock lock(s.mu);
  const Timestamp now = s.clock.Now();
  Txn txn;
  const Principal* sp = s.principals.Find(ToLower(client_id));
  if (!sp) {
    auto it = s.app_to_id.find(ToLower(client_id));
    if (it != s.app_to_id.end()) sp = s.principals.Find(it->second);
  }
  auto audit_failure = [&](const char* reason) {
    AuditEvent e = s.Event(Anonymous(ip), "Authentication", "Sign-in failed", "Other");
    e.result = "failure";
    e.result_reason = reason;
    e.details.emplace_back("clientId", client_id);
    if (sp) e.targets.push_back(s.PrincipalTarget(sp->id));
    txn.events.push_back(std::move(e));
  };
  if (auto until = SourceBlockedUntil(s, ip, now)) {
    audit_failure("source throttled");
    return s.CommitRefusal(lock, std::move(txn), TooManyFailures(*until, now));
  }
  bool ok = false;
  if (sp && sp->kind == PrincipalKind::kServicePrincipal && !sp->deleted && sp->account_enabled) {
    auto it = s.credentials.find(sp->id);
    if (it != s.credentials.end()) {
      for (const auto& cs : it->second.client_secrets) {
        if (cs.start <= now && now < cs.end && ConstantTimeEquals(cs.secret_hash, secret_hash)) {
          ok = true;
        }
      }
    }
  }
  if (!ok) {
    audit_failure("invalid client credentials");
    CountSourceFailure(s, txn, ip);
    return s.CommitRefusal(
        lock, std::move(txn),
        OAuthError(StatusCode::kUnauthenticated, "invalid client credentials", "invalid_client"));
  }
  TokenGrant grant = IssueSession(s, txn, sp->id, std::nullopt, ip, /*with_refresh=*/false);
  Caller who = CallerFor(s, sp->id, ip);
  AuditEvent e = s.Event(who, "Authentication", "Sign-in", "Other");
  e.targets.push_back(s.PrincipalTarget(sp->id));
  e.details.emplace_back("grantType", "client_credentials");
  s.Audit(txn, who, std::move(e));
  s.Commit(lock, std::move(txn));
  return grant;
}

Result<TokenGrant> PimService::RefreshGrant(const std::string& refresh_token,
                                            const std::optional<std::string>& otp,
                                            const std::string& ip) {
  State& s = *state_;
  if (refresh_token.empty()) {
    return OAuthError(StatusCode::kInvalidArgument, "refresh_token is required", "invalid_request");
  }
  const std::string hash = Sha256Hex(refresh_token);
  ExclusiveLock lock(s.mu);
  const Timestamp now = s.clock.Now();
  Txn txn;
  auto it = s.refresh_to_session.find(hash);
  SessionRecord* x = it == s.refresh_to_session.end() ? nullptr : &s.sessions[it->second];
  if (x == nullptr) {
    auto used = s.used_refresh_to_session.find(hash);
    auto owner =
        used == s.used_refresh_to_session.end() ? s.sessions.end() : s.sessions.find(used->second);
    if (owner != s.sessions.end()) {
      // A refresh token this session already rotated away: whoever holds the current one, a
      // copy exists. Revoke the session, so the thief's tokens die with the client's.
      SessionRecord session = owner->second;
      session.revoked = true;
      s.PutSession(txn, session);
      AuditEvent e = s.Event(Anonymous(ip), "Authentication",
                             "Refresh token reused: session revoked", "Other");
      e.result = "failure";
      e.result_reason = "a refresh token was presented again after it had been rotated";
      e.targets.push_back(s.PrincipalTarget(session.principal_id));
      e.details.emplace_back("sessionId", session.id);
      txn.events.push_back(std::move(e));
      return s.CommitRefusal(lock, std::move(txn), InvalidGrant("invalid refresh token"));
    }
  }
  const Principal* p = x ? s.principals.Find(x->principal_id) : nullptr;
  if (!x || x->revoked || x->refresh_expires <= now || !p || p->deleted || !p->account_enabled) {
    AuditEvent e = s.Event(Anonymous(ip), "Authentication", "Token refresh failed", "Other");
    e.result = "failure";
    e.result_reason = !x ? "unknown or already used refresh token" : "session no longer valid";
    if (p) e.targets.push_back(s.PrincipalTarget(p->id));
    txn.events.push_back(std::move(e));
    return s.CommitRefusal(lock, std::move(txn), InvalidGrant("invalid refresh token"));
  }
  const Principal u = *p;
  SessionRecord session = *x;
  if (otp) {
    if (auto block = BlockedUntil(s, u, ip, now)) {
      AuditEvent e = s.Event(CallerFor(s, u.id, ip), "Authentication", "Sign-in failed", "Other");
      e.result = "failure";
      e.result_reason = block->reason;
      e.targets.push_back(s.PrincipalTarget(u.id));
      txn.events.push_back(std::move(e));
      return s.CommitRefusal(lock, std::move(txn), TooManyFailures(block->until, now));
    }
    if (!CheckTotp(s, txn, u.id, *otp, /*verified_only=*/true)) {
      CountAuthFailure(s, txn, u, ip, "invalid or reused one-time code");
      return s.CommitRefusal(lock, std::move(txn), InvalidGrant("invalid one-time code"));
    }
    session.mfa_time = now;
  }
  TokenGrant grant;
  grant.access_token = RandomToken();
  grant.refresh_token = RandomToken();
  grant.expires_in = s.options.access_token_lifetime.seconds();
  grant.mfa_time = session.mfa_time;
  session.used_refresh_hashes.push_back(session.refresh_hash);
  if (session.used_refresh_hashes.size() > kUsedRefreshHashes) {
    session.used_refresh_hashes.erase(session.used_refresh_hashes.begin());
  }
  session.access_hash = Sha256Hex(grant.access_token);
  session.refresh_hash = Sha256Hex(grant.refresh_token);
  session.access_expires = now + s.options.access_token_lifetime;
  session.refresh_expires = now + s.options.refresh_token_lifetime;
  session.ip = ip;
  s.PutSession(txn, session);
  Caller who = CallerFor(s, u.id, ip);
  AuditEvent e = s.Event(who, "Authentication", "Token refreshed", "Other");
  e.targets.push_back(s.PrincipalTarget(u.id));
  e.details.emplace_back("sessionId", session.id);
  e.details.emplace_back("mfa", otp ? "true" : "false");
  s.Audit(txn, who, std::move(e));
  s.Commit(lock, std::move(txn));
  return grant;
}

Result<Caller> PimService::Authenticate(const std::string& access_token,
                                        const std::string& ip) const {
  const State& s = *state_;
  if (access_token.empty()) return Unauthenticated("missing access token");
  const std::string hash = Sha256Hex(access_token);
  SharedLock lock(s.mu);
  auto it = s.access_to_session.find(hash);
  if (it == s.access_to_session.end()) return Unauthenticated("invalid access token");
  const SessionRecord& x = s.sessions.at(it->second);
  if (x.revoked) return Unauthenticated("the session was revoked");
  if (x.access_expires <= s.clock.Now()) return Unauthenticated("the access token has expired");
  const Principal* p = s.principals.Find(x.principal_id);
  if (!p || p->deleted || !p->account_enabled) return Unauthenticated("the account is disabled");
  Caller c;
  c.principal_id = p->id;
  c.kind = p->kind;
  c.session_id = x.id;
  c.mfa_time = x.mfa_time;
  c.ip = ip;
  return c;
}

namespace {

// Ends session `x` (already known to be live), audited as a sign-out by `who`.
void EndSession(EngineState& s, ExclusiveLock& lock, const Caller& who, SessionRecord x,
                std::string_view via) {
  x.revoked = true;
  Txn txn;
  s.PutSession(txn, x);
  AuditEvent e = s.Event(who, "Authentication", "Sign-out", "Other");
  e.targets.push_back(s.PrincipalTarget(x.principal_id));
  e.details.emplace_back("sessionId", x.id);
  e.details.emplace_back("via", std::string(via));
  s.Audit(txn, who, std::move(e));
  s.Commit(lock, std::move(txn));
}

}  // namespace

Status PimService::RevokeSession(const Caller& caller) {
  State& s = *state_;
  if (caller.anonymous()) return Unauthenticated("sign-in required");
  ExclusiveLock lock(s.mu);
  auto it = s.sessions.find(caller.session_id);
  if (it == s.sessions.end() || it->second.principal_id != caller.principal_id) {
    return NotFound("session not found");
  }
  if (it->second.revoked) return Status::Ok();
  EndSession(s, lock, caller, it->second, "session");
  return Status::Ok();
}

Status PimService::RevokeToken(const std::string& token, const std::string& ip) {
  State& s = *state_;
  if (token.empty()) {
    return OAuthError(StatusCode::kInvalidArgument, "token is required", "invalid_request");
  }
  const std::string hash = Sha256Hex(token);
  ExclusiveLock lock(s.mu);
  const std::string* id = nullptr;
  for (const auto* index :
       {&s.access_to_session, &s.refresh_to_session, &s.used_refresh_to_session}) {
    if (auto it = index->find(hash); it != index->end()) {
      id = &it->second;
      break;
    }
  }
  auto it = id ? s.sessions.find(*id) : s.sessions.end();
  // RFC 7009 section 2.2: an unknown, expired or already revoked token is not an error, and
  // the answer does not tell which it was.
  if (it == s.sessions.end() || it->second.revoked) return Status::Ok();
  EndSession(s, lock, CallerFor(s, it->second.principal_id, ip), it->second, "token revocation");
  return Status::Ok();
}

}  // namespace pim
