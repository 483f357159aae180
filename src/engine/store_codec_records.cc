// Store codec for the engine's own records: policy assignments, credentials, TOTP methods,
// sessions, sign-in throttles and timer marks.
#include <boost/json.hpp>

#include "engine/store_codec.h"
#include "engine/store_codec_json.h"

namespace pim {

namespace json = boost::json;
using codec::Decode;
using codec::OptDur;
using codec::OptTs;
using codec::ParseObject;
using codec::Reader;
using codec::Strs;
using codec::Ts;

std::string EncodePolicyAssignment(const PolicyAssignment& a) {
  json::object o{{"id", a.id},
                 {"policyId", a.policy_id},
                 {"roleDefinitionId", a.role_definition_id},
                 {"scopeId", a.scope_id},
                 {"scopeType", a.scope_type}};
  return json::serialize(o);
}

Result<PolicyAssignment> DecodePolicyAssignment(std::string_view text) {
  return Decode<PolicyAssignment>(text, [](const Reader& r, PolicyAssignment& a) {
    a.id = r.Str("id");
    a.policy_id = r.Str("policyId");
    a.role_definition_id = r.Str("roleDefinitionId");
    a.scope_id = r.Str("scopeId");
    a.scope_type = r.Str("scopeType");
  });
}

std::string EncodeCredential(const CredentialRecord& c) {
  json::array secrets;
  for (const auto& s : c.client_secrets) {
    secrets.emplace_back(json::object{{"keyId", s.key_id},
                                      {"displayName", s.display_name},
                                      {"hint", s.hint},
                                      {"hash", s.secret_hash},
                                      {"start", Ts(s.start)},
                                      {"end", Ts(s.end)}});
  }
  json::object o{{"principalId", c.principal_id},       {"passwordHash", c.password_hash},
                 {"failedAttempts", c.failed_attempts}, {"lockedUntil", OptTs(c.locked_until)},
                 {"lastTotpStep", c.last_totp_step},    {"clientSecrets", std::move(secrets)}};
  return json::serialize(o);
}

Result<CredentialRecord> DecodeCredential(std::string_view text) {
  return Decode<CredentialRecord>(text, [](const Reader& r, CredentialRecord& c) {
    c.principal_id = r.Str("principalId");
    c.password_hash = r.Str("passwordHash");
    c.failed_attempts = static_cast<int>(r.Int("failedAttempts"));
    c.locked_until = r.OptTime("lockedUntil");
    c.last_totp_step = r.Int("lastTotpStep");
    for (const auto* so : r.Objects("clientSecrets")) {
      Reader sr(*so);
      c.client_secrets.push_back({sr.Str("keyId"), sr.Str("displayName"), sr.Str("hint"),
                                  sr.Str("hash"), sr.Time("start"), sr.Time("end")});
    }
  });
}

std::string EncodeTotp(const TotpRecord& t) {
  json::object o{{"id", t.id},
                 {"userId", t.user_id},
                 {"sealedSecret", t.sealed_secret_b64},
                 {"verified", t.verified},
                 {"created", Ts(t.created)}};
  return json::serialize(o);
}

Result<TotpRecord> DecodeTotp(std::string_view text) {
  return Decode<TotpRecord>(text, [](const Reader& r, TotpRecord& t) {
    t.id = r.Str("id");
    t.user_id = r.Str("userId");
    t.sealed_secret_b64 = r.Str("sealedSecret");
    t.verified = r.Bool("verified");
    t.created = r.Time("created");
  });
}

std::string EncodeSession(const SessionRecord& s) {
  json::object o{{"id", s.id},
                 {"principalId", s.principal_id},
                 {"accessHash", s.access_hash},
                 {"refreshHash", s.refresh_hash},
                 {"created", Ts(s.created)},
                 {"accessExpires", Ts(s.access_expires)},
                 {"refreshExpires", Ts(s.refresh_expires)},
                 {"mfaTime", OptTs(s.mfa_time)},
                 {"revoked", s.revoked},
                 {"ip", s.ip}};
  if (!s.used_refresh_hashes.empty()) {
    json::array used;
    for (const std::string& h : s.used_refresh_hashes) used.emplace_back(h);
    o["usedRefreshHashes"] = std::move(used);
  }
  return json::serialize(o);
}

Result<SessionRecord> DecodeSession(std::string_view text) {
  return Decode<SessionRecord>(text, [](const Reader& r, SessionRecord& s) {
    s.id = r.Str("id");
    s.principal_id = r.Str("principalId");
    s.access_hash = r.Str("accessHash");
    s.refresh_hash = r.Str("refreshHash");
    s.created = r.Time("created");
    s.access_expires = r.Time("accessExpires");
    s.refresh_expires = r.Time("refreshExpires");
    s.mfa_time = r.OptTime("mfaTime");
    s.revoked = r.Bool("revoked");
    s.ip = r.Str("ip");
    s.used_refresh_hashes = r.StrList("usedRefreshHashes");
  });
}

std::string EncodeSignInThrottle(const SignInThrottle& t) {
  return json::serialize(json::object{{"source", t.source},
                                      {"failures", t.failures},
                                      {"lastFailure", Ts(t.last_failure)},
                                      {"blockedUntil", Ts(t.blocked_until)}});
}

Result<SignInThrottle> DecodeSignInThrottle(std::string_view text) {
  return Decode<SignInThrottle>(text, [](const Reader& r, SignInThrottle& t) {
    t.source = r.Str("source");
    t.failures = static_cast<int>(r.Int("failures"));
    t.last_failure = r.Time("lastFailure");
    t.blocked_until = r.Time("blockedUntil");
  });
}

std::string EncodeTimerMark(const TimerMark& m) {
  return json::serialize(json::object{{"id", m.id}, {"at", Ts(m.at)}});
}

Result<TimerMark> DecodeTimerMark(std::string_view text) {
  return Decode<TimerMark>(text, [](const Reader& r, TimerMark& m) {
    m.id = r.Str("id");
    m.at = r.Time("at");
  });
}

}  // namespace pim
