// Sign-in limits (CONTRACT.md "Authentication", docs/API.md "Lockout"), used by the token grants,
// password changes and TOTP enrollment:
//   - an account locks after lockout_threshold consecutive failures, for lockout_duration;
//   - a break-glass account never locks: its sign-ins from one source wait a minute instead;
//   - source_lockout_threshold failed sign-ins of any accounts but break-glass ones from one
//     source block every such sign-in from it for lockout_duration (password spraying).
// A source is an IPv4 address, or an IPv6 address's /64 (records.h SignInThrottle). Everything
// here runs under the engine's exclusive lock (the readers, under either lock).
#pragma once

#include <optional>
#include <string>

#include "engine/engine_state.h"

namespace pim {

// The caller a sign-in acts as: principal `principal_id` from `ip`, or nobody from `ip`.
Caller CallerFor(const EngineState& s, const std::string& principal_id, const std::string& ip);
Caller Anonymous(const std::string& ip);

// What sign-ins from peer address `ip` are limited as: an IPv4 address as is (also when it comes
// IPv4-mapped, "::ffff:a.b.c.d"); an IPv6 address as its /64, since one host or customer
// commonly holds a whole /64; anything else as given.
std::string ThrottleSource(const std::string& ip);

// Why, and until when, sign-ins of `user` from `ip` are refused now: "account locked", "source
// throttled" (too many failed sign-ins from that source), or "throttled" (a break-glass account,
// per source); the later end when more than one applies.
struct SignInBlock {
  Timestamp until;
  const char* reason;
};
std::optional<SignInBlock> BlockedUntil(const EngineState& s, const Principal& user,
                                        const std::string& ip, Timestamp now);
// Until when every sign-in from `ip` is refused (break-glass accounts' excepted), if it is: for
// names that are no account, and for service principals.
std::optional<Timestamp> SourceBlockedUntil(const EngineState& s, const std::string& ip,
                                            Timestamp now);
// The refusal of a sign-in while blocked: ResourceExhausted ("invalid_grant") with the seconds
// to wait until `until`.
Status TooManyFailures(Timestamp until, Timestamp now);

// Counts one failed password or code for `user`: increments the consecutive-failure counter and
// locks the account at the threshold (break-glass accounts are throttled per source address
// instead), and counts it against its source address (not for break-glass accounts), auditing
// the failure and any lock or block.
void CountAuthFailure(EngineState& s, Txn& txn, const Principal& user, const std::string& ip,
                      const std::string& reason);
// Counts a failed sign-in that is no user's (an unknown name, a service principal's) against its
// source address, auditing the block it sets off, if it does.
void CountSourceFailure(EngineState& s, Txn& txn, const std::string& ip);

}  // namespace pim
