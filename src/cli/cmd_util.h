// Helpers shared by the cmd_*.cc files (private to the cli library).
#pragma once

#include <string>

#include "cli/json_util.h"
#include "core/time.h"

namespace pim::cli {

// The instant written in `text`; Timestamp::Max() ("never") when empty or unparsable.
Timestamp InstantOrNever(const std::string& text);
// "2026-11-26 05:21Z"-style short form for tables; "-" for Max() / empty.
std::string ShortTime(const std::string& iso);
// The end of a schedule-like object (instance, schedule): endDateTime, else
// scheduleInfo.expiration.endDateTime; Max() when there is none (permanent).
Timestamp EndOf(const json::value& v);
// Truncates `s` to `max` code points with "..." for table cells.
std::string Clip(const std::string& s, size_t max);

}  // namespace pim::cli
