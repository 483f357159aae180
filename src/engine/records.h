// Engine-private records that have no Graph counterpart in core/model.h: credentials, TOTP
// methods, sessions and processed-timer marks. All are persisted through the store codec.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace pim {

// A service principal's client secret: only the SHA-256 of the 256-bit secret is kept.
struct ClientSecretRecord {
  std::string key_id;
  std::string display_name;
  std::string hint;
  std::string secret_hash;  // lowercase hex SHA-256
  Timestamp start;
  Timestamp end;
};

// The credentials of one principal (kind "credential", id = principal id).
struct CredentialRecord {
  std::string principal_id;
  std::string password_hash;  // argon2id PHC; empty = cannot sign in with a password
  int failed_attempts = 0;    // consecutive failed passwords or codes
  std::optional<Timestamp> locked_until;
  int64_t last_totp_step = 0;  // replay protection across all of the user's TOTP methods
  std::vector<ClientSecretRecord> client_secrets;
};

// A softwareOathMethod (kind "totpMethod"). The secret is sealed with SecretBox, base64.
struct TotpRecord {
  std::string id;
  std::string user_id;
  std::string sealed_secret_b64;
  bool verified = false;
  Timestamp created;
};

// A sign-in session (kind "session"). Only SHA-256 hashes of the tokens are kept.
struct SessionRecord {
  std::string id;
  std::string principal_id;
  std::string access_hash;
  std::string refresh_hash;  // empty for client_credentials
  Timestamp created;
  Timestamp access_expires;
  Timestamp refresh_expires;
  std::optional<Timestamp> mfa_time;
  bool revoked = false;
  std::string ip;
  // The SHA-256 of the refresh tokens this session rotated away, newest last, at most
  // kUsedRefreshHashes. One presented again means a copy of the token is in other hands (the
  // legitimate client and a thief each hold one): the session is revoked (OAuth 2.0 Security
  // BCP, RFC 9700 4.14.2).
  std::vector<std::string> used_refresh_hashes;
};
inline constexpr size_t kUsedRefreshHashes = 8;

// Failed sign-ins to break-glass accounts from one source (kind "signInThrottle", id = source).
// Break-glass accounts are never locked (CONTRACT.md); their sign-ins are throttled per source
// instead, and like a lock that state survives a restart. The source is an IPv4 address, or an
// IPv6 address's /64 (one host's, or one customer's, whole allocation). The failed sign-ins of
// every other account from a source are counted too, in a throttle of their own whose key is the
// source behind "all " (EngineOptions::source_lockout_threshold).
struct SignInThrottle {
  // "203.0.113.7", "2001:db8:1:2::/64", or the peer text as given; "all 203.0.113.7" etc.
  std::string source;
  int failures = 0;        // since the last success, throttle, or quiet spell
  Timestamp last_failure;  // failures older than the lockout duration are forgotten
  Timestamp blocked_until;
};

// A timer effect already recorded (kind "timer"), so RunDueTimers audits each event once:
// id "end:<scheduleId>" or "start:<scheduleId>".
struct TimerMark {
  std::string id;
  Timestamp at;
};

}  // namespace pim
