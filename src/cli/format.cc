#include "cli/format.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iterator>

#include "cli/json_util.h"

namespace pim::cli {
namespace {

// The longest duration core's ParseDuration accepts (100,000 years); beyond it a Duration would
// saturate into some other value.
constexpr int64_t kMaxDurationSeconds = int64_t{100000} * 365 * 86400;

int64_t UnitSeconds(char unit) {
  switch (std::tolower(static_cast<unsigned char>(unit))) {
    case 'w':
      return 7 * 86400;
    case 'd':
      return 86400;
    case 'h':
      return 3600;
    case 'm':
      return 60;
    case 's':
      return 1;
    default:
      return 0;
  }
}

// The code point starting at s[i], advancing i past it. A malformed sequence reads as one
// U+FFFD per byte (the server sends valid UTF-8; this only keeps widths finite).
char32_t NextCodePoint(std::string_view s, size_t& i) {
  const unsigned char lead = static_cast<unsigned char>(s[i]);
  size_t extra = 0;
  if (lead < 0x80) {
    ++i;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    extra = 1;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3;
  }
  if (extra == 0 || i + extra >= s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t c = lead & (0x3F >> extra);
  for (size_t k = 1; k <= extra; ++k) {
    const unsigned char b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    c = (c << 6) | (b & 0x3F);
  }
  i += extra + 1;
  return c;
}

struct Range {
  char32_t first, last;
};

bool InRanges(char32_t c, const Range* ranges, size_t n) {
  for (size_t k = 0; k < n; ++k) {
    if (c >= ranges[k].first && c <= ranges[k].last) return true;
  }
  return false;
}

// Terminal cells a printable code point takes: 0 for combining marks and zero-width characters,
// 2 for East Asian wide and fullwidth ones (CJK, Hangul, kana, fullwidth forms, most emoji),
// else 1. The common blocks of Unicode's EastAsianWidth W/F and of general category Mn.
int CellWidth(char32_t c) {
  static constexpr Range kZero[] = {
      {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
      {0x064B, 0x065F}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},
      {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x2060, 0x2064},
      {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}};
  static constexpr Range kWide[] = {{0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF},
                                    {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
                                    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},
                                    {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},
                                    {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF},
                                    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}};
  if (InRanges(c, kZero, std::size(kZero))) return 0;
  if (InRanges(c, kWide, std::size(kWide))) return 2;
  return 1;
}

// Characters that act on a terminal instead of showing: C0 controls, DEL, C1 controls (CSI,
// OSC... in their one-character forms) and the bidirectional embeddings, overrides and isolates
// that reorder what follows them.
bool IsControl(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

// `s` as it may be shown in a table cell: controls written as escapes (\n, \t, \r, \xHH below
// U+0080, \uHHHH above).
std::string Printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t start = i;
    const char32_t c = NextCodePoint(s, i);
    if (!IsControl(c)) {
      out.append(s.substr(start, i - start));
      continue;
    }
    char buf[8];
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x80) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      out += buf;
    } else {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    }
  }
  return out;
}

// Terminal cells `s` takes (`s` holds no controls: Printable's output).
size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) n += CellWidth(NextCodePoint(s, i));
  return n;
}

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

Result<std::string> ParseDurationArg(std::string_view text) {
  const std::string t = Trim(text);
  if (t.empty()) return InvalidArgument("empty duration");
  if (t[0] == 'P' || t[0] == 'p') {
    std::string upper = t;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    ASSIGN_OR_RETURN(Duration d, ParseDuration(upper));
    if (!d.positive()) return InvalidArgument("duration must be positive: " + t);
    return FormatDuration(d);
  }
  int64_t total = 0;
  size_t i = 0;
  while (i < t.size()) {
    size_t digits = 0;
    int64_t n = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
      if (++digits > 9) return InvalidArgument("duration too long: " + t);
      n = n * 10 + (t[i] - '0');
      ++i;
    }
    if (digits == 0 || i == t.size() || UnitSeconds(t[i]) == 0) {
      return InvalidArgument("invalid duration '" + t +
                             "' (use ISO 8601 like PT1H, or 1h, 90m, 1h30m, 2d)");
    }
    total += n * UnitSeconds(t[i]);
    if (total > kMaxDurationSeconds) return InvalidArgument("duration too long: " + t);
    ++i;
  }
  if (total <= 0) return InvalidArgument("duration must be positive: " + t);
  return FormatDuration(Duration::Seconds(total));
}

std::string FormatTimeLeft(Timestamp end, Timestamp now) {
  if (end.is_max()) return "permanent";
  if (end <= now) return "expired";
  const int64_t s = (end - now).seconds();
  const int64_t days = s / 86400;
  const int64_t hours = (s % 86400) / 3600;
  const int64_t minutes = (s % 3600) / 60;
  if (days > 0) return std::to_string(days) + "d " + std::to_string(hours) + "h";
  if (hours > 0) return std::to_string(hours) + "h " + std::to_string(minutes) + "m";
  if (minutes > 0) return std::to_string(minutes) + "m";
  return std::to_string(s) + "s";
}

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  size_t columns = header.size();
  for (const auto& r : rows) columns = std::max(columns, r.size());
  // Cells come from the server, some written by other users (a requester's justification in an
  // approver's table): never passed to the terminal as they are.
  std::vector<std::vector<std::string>> shown;
  shown.reserve(rows.size() + 1);
  auto add = [&](const std::vector<std::string>& r) {
    std::vector<std::string> cells;
    for (const std::string& cell : r) cells.push_back(Printable(cell));
    shown.push_back(std::move(cells));
  };
  add(header);
  for (const auto& r : rows) add(r);
  std::vector<size_t> width(columns, 0);
  for (const auto& r : shown) {
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], DisplayWidth(r[c]));
  }

  std::string out;
  auto emit = [&](const std::vector<std::string>& r) {
    std::string line;
    for (size_t c = 0; c < columns; ++c) {
      const std::string cell = c < r.size() ? r[c] : std::string();
      line += cell;
      if (c + 1 < columns) line.append(width[c] - DisplayWidth(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  for (const auto& r : shown) emit(r);
  return out;
}

std::string FormatErrorBody(int http_status, std::string_view body) {
  Result<json::value> parsed = ParseJson(body);
  if (parsed.ok()) {
    const json::value* err = Member(*parsed, "error");
    if (err != nullptr && err->is_object()) {
      const std::string code = Str(*err, "code");
      const std::string message = Str(*err, "message");
      if (!code.empty() || !message.empty()) {
        if (code.empty()) return message;
        if (message.empty()) return code;
        return code + ": " + message;
      }
    } else if (err != nullptr && err->is_string()) {
      const std::string description = Str(*parsed, "error_description");
      const std::string code(err->get_string());
      return description.empty() ? code : code + ": " + description;
    }
  }
  std::string out = "HTTP " + std::to_string(http_status);
  std::string first = Trim(body.substr(0, body.find('\n')));
  if (first.size() > 200) first = first.substr(0, 200) + "...";
  if (!first.empty()) out += ": " + first;
  return out;
}

}  // namespace pim::cli
