#include "engine/validation.h"

namespace pim {
namespace {

// 10000-01-01T00:00:00Z less one microsecond: the last instant ISO 8601's four-digit years write.
constexpr Timestamp kLatestEnd = Timestamp::FromMicros(int64_t{253402300800} * 1000000 - 1);

}  // namespace

Status ValidateUpn(const std::string& upn) {
  if (upn.size() < 3 || upn.size() > 256) {
    return InvalidArgument("userPrincipalName must be 3 to 256 characters");
  }
  size_t at = upn.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == upn.size() ||
      upn.find('@', at + 1) != std::string::npos) {
    return InvalidArgument("userPrincipalName must have the form name@domain");
  }
  for (unsigned char c : upn) {
    if (c <= 0x20 || c == 0x7f) {
      return InvalidArgument("userPrincipalName must not contain spaces or control characters");
    }
  }
  return Status::Ok();
}

Status ValidatePassword(const std::string& password) {
  if (password.size() < kMinPasswordLength) {
    return InvalidArgument("password must be at least " + std::to_string(kMinPasswordLength) +
                           " characters");
  }
  if (password.size() > 256) return InvalidArgument("password must be at most 256 characters");
  return Status::Ok();
}

Status ValidateDisplayName(const std::string& name) {
  if (name.empty()) return InvalidArgument("displayName is required");
  if (name.size() > 256) return InvalidArgument("displayName must be at most 256 characters");
  return Status::Ok();
}

Result<Window> ResolveWindow(const ScheduleInfo& info, Timestamp now) {
  Window w;
  w.start = info.start && *info.start > now ? *info.start : now;
  w.future = w.start > now;
  ExpirationType type = info.type;
  if (type == ExpirationType::kNotSpecified) {
    if (info.end && info.duration) {
      return InvalidArgument("scheduleInfo.expiration: give endDateTime or duration, not both");
    }
    type = info.end
               ? ExpirationType::kAfterDateTime
               : (info.duration ? ExpirationType::kAfterDuration : ExpirationType::kNoExpiration);
  }
  w.type = type;
  switch (type) {
    case ExpirationType::kAfterDateTime:
      if (!info.end) return InvalidArgument("scheduleInfo.expiration.endDateTime is required");
      if (info.duration) {
        return InvalidArgument(
            "scheduleInfo.expiration.duration is not allowed with afterDateTime");
      }
      if (*info.end <= w.start) {
        return InvalidArgument("scheduleInfo.expiration.endDateTime must be after the start");
      }
      w.end = *info.end;
      w.requested = w.end - w.start;
      break;
    case ExpirationType::kAfterDuration:
      if (!info.duration) return InvalidArgument("scheduleInfo.expiration.duration is required");
      if (info.end) {
        return InvalidArgument(
            "scheduleInfo.expiration.endDateTime is not allowed with afterDuration");
      }
      if (!info.duration->positive()) {
        return InvalidArgument("scheduleInfo.expiration.duration must be positive");
      }
      w.duration = info.duration;
      w.requested = info.duration;
      w.end = w.start + *info.duration;
      // Graph's dates stop at year 9999 (and so do its clients' parsers): a schedule meant to
      // last longer than that has no expiration.
      if (w.end > kLatestEnd) {
        return InvalidArgument(
            "scheduleInfo.expiration: the schedule would end after 9999-12-31T23:59:59Z; ask for "
            "noExpiration instead");
      }
      break;
    case ExpirationType::kNoExpiration:
    case ExpirationType::kNotSpecified:
      if (info.end || info.duration) {
        return InvalidArgument(
            "scheduleInfo.expiration: noExpiration takes neither endDateTime nor duration");
      }
      w.type = ExpirationType::kNoExpiration;
      w.end = Timestamp::Max();
      break;
  }
  return w;
}

Window ReanchorWindow(const Window& w, Timestamp start) {
  Window out = w;
  if (start <= w.start) return out;
  out.start = start;
  out.future = false;
  if (w.type == ExpirationType::kAfterDuration && w.duration) out.end = start + *w.duration;
  return out;
}

}  // namespace pim
