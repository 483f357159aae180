// Sign-in limits (CONTRACT.md "Authentication", docs/API.md "Lockout"): each account's lock after
// consecutive failures, the break-glass accounts' throttle per source, and the limit on failed
// sign-ins of all accounts from one source (password spraying). All under the engine's
// exclusive lock, stored like any change (kinds credential and signInThrottle).
#include "engine/sign_in_limits.h"

#include <arpa/inet.h>

#include <boost/json.hpp>
#include <cstring>

namespace pim {
namespace {

constexpr Duration kBreakGlassThrottle = Duration::Minutes(1);

// The key of the throttle on the sign-ins of every account but the break-glass ones from `ip`.
std::string AllSignInsKey(const std::string& ip) { return "all " + ThrottleSource(ip); }

// Counts a failure in the throttle `key` (a fresh count once its old failures no longer
// matter). The `threshold`-th blocks for `block_for` and starts the count again: the end of
// that block, if this failure set one off.
std::optional<Timestamp> CountInThrottle(EngineState& s, Txn& txn, const std::string& key,
                                         int threshold, Duration block_for) {
  const Timestamp now = s.clock.Now();
  SignInThrottle t;
  t.source = key;
  if (const SignInThrottle* old = s.sign_in_throttles.Find(key);
      old != nullptr && s.ThrottleExpiry(*old) > now) {
    t = *old;
  }
  t.last_failure = now;
  std::optional<Timestamp> blocked;
  if (++t.failures >= threshold) {
    t.failures = 0;
    t.blocked_until = now + block_for;
    blocked = t.blocked_until;
  }
  s.PutThrottle(txn, t);
  return blocked;
}

}  // namespace

Caller CallerFor(const EngineState& s, const std::string& principal_id, const std::string& ip) {
  Caller c;
  c.principal_id = principal_id;
  c.ip = ip;
  if (const Principal* p = s.principals.Find(principal_id)) c.kind = p->kind;
  return c;
}

Caller Anonymous(const std::string& ip) {
  Caller c;
  c.ip = ip;
  return c;
}

std::string ThrottleSource(const std::string& ip) {
  in6_addr v6{};
  if (inet_pton(AF_INET6, ip.c_str(), &v6) != 1) return ip;
  char text[INET6_ADDRSTRLEN];
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    return inet_ntop(AF_INET, &v6.s6_addr[12], text, sizeof text) ? text : ip;
  }
  std::memset(&v6.s6_addr[8], 0, 8);
  return inet_ntop(AF_INET6, &v6, text, sizeof text) ? std::string(text) + "/64" : ip;
}

std::optional<Timestamp> SourceBlockedUntil(const EngineState& s, const std::string& ip,
                                            Timestamp now) {
  if (s.options.source_lockout_threshold <= 0) return std::nullopt;
  const SignInThrottle* t = s.sign_in_throttles.Find(AllSignInsKey(ip));
  if (t != nullptr && t->blocked_until > now) return t->blocked_until;
  return std::nullopt;
}

Status TooManyFailures(Timestamp until, Timestamp now) {
  Status st(StatusCode::kResourceExhausted,
            "too many failed attempts; try again after " + FormatTimestamp(until), "invalid_grant");
  int64_t secs = (until - now).seconds() + 1;
  st.set_retry_after(static_cast<int>(secs < 1 ? 1 : secs));
  return st;
}

void CountSourceFailure(EngineState& s, Txn& txn, const std::string& ip) {
  const int threshold = s.options.source_lockout_threshold;
  if (threshold <= 0) return;
  std::optional<Timestamp> blocked =
      CountInThrottle(s, txn, AllSignInsKey(ip), threshold, s.options.lockout_duration);
  if (!blocked) return;
  const std::string source = ThrottleSource(ip);
  AuditEvent e = s.Event(Anonymous(ip), "Authentication", activity::kSourceThrottled, "Other");
  e.result = "failure";
  e.result_reason = std::to_string(threshold) + " failed sign-ins from one source";
  e.details.emplace_back("throttleSource", source);
  e.details.emplace_back("blockedUntil", FormatTimestamp(*blocked));
  txn.events.push_back(std::move(e));
  s.Emit(txn, "signInSourceThrottled",
         boost::json::serialize(
             boost::json::object{{"source", source}, {"blockedUntil", FormatTimestamp(*blocked)}}));
}

std::optional<SignInBlock> BlockedUntil(const EngineState& s, const Principal& user,
                                        const std::string& ip, Timestamp now) {
  if (user.break_glass) {
    const SignInThrottle* t = s.sign_in_throttles.Find(ThrottleSource(ip));
    if (t != nullptr && t->blocked_until > now) return SignInBlock{t->blocked_until, "throttled"};
    return std::nullopt;
  }
  std::optional<SignInBlock> block;
  if (auto until = SourceBlockedUntil(s, ip, now)) block = SignInBlock{*until, "source throttled"};
  auto it = s.credentials.find(user.id);
  if (it != s.credentials.end() && it->second.locked_until && *it->second.locked_until > now &&
      (!block || *it->second.locked_until > block->until)) {
    block = SignInBlock{*it->second.locked_until, "account locked"};
  }
  return block;
}

void CountAuthFailure(EngineState& s, Txn& txn, const Principal& user, const std::string& ip,
                      const std::string& reason) {
  const Timestamp now = s.clock.Now();
  Caller who = CallerFor(s, user.id, ip);
  AuditEvent e = s.Event(who, "Authentication", "Sign-in failed", "Other");
  e.result = "failure";
  e.result_reason = reason;
  e.targets.push_back(s.PrincipalTarget(user.id));
  std::optional<Timestamp> locked;
  if (user.break_glass) {
    const std::string source = ThrottleSource(ip);
    locked = CountInThrottle(s, txn, source, s.options.lockout_threshold, kBreakGlassThrottle);
    e.details.emplace_back("throttleSource", source);
  } else {
    CredentialRecord cred = s.credentials[user.id];
    cred.principal_id = user.id;
    ++cred.failed_attempts;
    e.details.emplace_back("consecutiveFailures", std::to_string(cred.failed_attempts));
    if (cred.failed_attempts >= s.options.lockout_threshold) {
      cred.failed_attempts = 0;
      cred.locked_until = now + s.options.lockout_duration;
      locked = cred.locked_until;
    }
    s.PutCredential(txn, cred);
  }
  txn.events.push_back(std::move(e));
  if (locked) {
    AuditEvent l =
        s.Event(who, "Authentication",
                user.break_glass ? "Break-glass sign-in throttled" : "Account locked", "Other");
    l.result = "failure";
    l.targets.push_back(s.PrincipalTarget(user.id));
    l.details.emplace_back("lockedUntil", FormatTimestamp(*locked));
    l.details.emplace_back("sourceAddress", ip);
    txn.events.push_back(std::move(l));
    // A break-glass account is never locked: only this source's sign-ins to it wait.
    boost::json::object payload{{"userId", user.id}, {"lockedUntil", FormatTimestamp(*locked)}};
    if (user.break_glass) payload["source"] = ThrottleSource(ip);
    s.Emit(txn, user.break_glass ? "breakGlassSignInThrottled" : "accountLocked",
           boost::json::serialize(payload));
  }
  if (!user.break_glass) CountSourceFailure(s, txn, ip);
}

}  // namespace pim
