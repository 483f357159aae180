// Input validation shared by the engine's entry points: user names, passwords, and the
// scheduleInfo of a request resolved into a concrete window. Pure functions.
#pragma once

#include <optional>
#include <string>

#include "core/model.h"
#include "core/status.h"
#include "core/time.h"

namespace pim {

inline constexpr size_t kMinPasswordLength = 12;

// userPrincipalName: "local@domain", 3..256 characters, no whitespace or control characters.
Status ValidateUpn(const std::string& upn);
// At least kMinPasswordLength characters, at most 256.
Status ValidatePassword(const std::string& password);
// Non-empty, at most 256 characters.
Status ValidateDisplayName(const std::string& name);

// A request's scheduleInfo made concrete at `now`.
struct Window {
  Timestamp start;  // requested start, never before now
  Timestamp end;    // Timestamp::Max() for noExpiration
  ExpirationType type = ExpirationType::kNoExpiration;
  std::optional<Duration> duration;  // afterDuration: the requested duration
  // The span the policy judges: duration, or end - start; nullopt for noExpiration.
  std::optional<Duration> requested;
  bool future = false;  // start > now
};

// Resolves `info` at `now`:
//   start defaults to now; a start in the past is moved to now (grants are never retroactive);
//   notSpecified becomes afterDateTime when an end is given, afterDuration when a duration is,
//   otherwise noExpiration; afterDateTime needs an endDateTime after the start; afterDuration
//   needs a positive duration; noExpiration accepts neither. InvalidArgument naming the field.
Result<Window> ResolveWindow(const ScheduleInfo& info, Timestamp now);

// The window re-anchored at `start` (approved activations: the duration clock starts when the
// grant becomes effective). afterDateTime keeps its end.
Window ReanchorWindow(const Window& w, Timestamp start);

}  // namespace pim
