// Text helpers of the pim client: duration shorthands, "time left", tables and error bodies.
// Pure functions; no I/O and no clock (callers pass `now`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace pim::cli {

// Accepts an ISO 8601 duration ("PT1H", "p90d") or a shorthand of number+unit groups with units
// w, d, h, m, s ("1h", "90m", "1h30m", "2d"), case-insensitive. Returns the canonical ISO form
// ("PT1H", "PT1H30M", "P2D"). InvalidArgument for anything else, zero included.
Result<std::string> ParseDurationArg(std::string_view text);

// Time remaining from `now` until `end`: "2d 3h", "1h 23m", "5m", "42s"; "expired" when `end` is
// not after `now`; "permanent" when `end` is Timestamp::Max().
std::string FormatTimeLeft(Timestamp end, Timestamp now);

// Renders rows under a header as left-aligned columns separated by two spaces; the last column is
// not padded. Widths are terminal cells: East Asian wide characters count two, combining marks
// none. Short rows are padded with empty cells. Characters that would act on the terminal
// (controls such as newline or escape, bidirectional overrides) are shown as escapes: \n, \x1b,
// \u202e.
std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

// One line describing an error response: "<code>: <message>" for Graph error bodies,
// "<error>: <error_description>" for OAuth2 token errors, else "HTTP <status>" followed by
// the start of the body when there is one.
std::string FormatErrorBody(int http_status, std::string_view body);

}  // namespace pim::cli
