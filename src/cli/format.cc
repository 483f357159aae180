#include "cli/format.h"

#include <locale.h>
#include <wchar.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cwchar>
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

// Text from the server is UTF-8 whatever the user's locale: libc decodes it and measures it
// (mbrtowc, wcwidth) under C.UTF-8, made current for the calling thread while a scope lives.
class Utf8Scope {
 public:
  Utf8Scope() : previous_(Utf8Locale() != nullptr ? uselocale(Utf8Locale()) : nullptr) {}
  ~Utf8Scope() {
    if (previous_ != nullptr) uselocale(previous_);
  }
  Utf8Scope(const Utf8Scope&) = delete;
  Utf8Scope& operator=(const Utf8Scope&) = delete;

 private:
  static locale_t Utf8Locale() {
    static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
    return utf8;
  }
  locale_t previous_;
};

// The code point starting at s[i], advancing i past it; a byte that starts no well-formed
// sequence reads as U+FFFD (the server sends valid UTF-8; this only keeps widths finite).
char32_t NextCodePoint(std::string_view s, size_t& i) {
  std::mbstate_t state{};
  wchar_t c = 0;
  const size_t n = std::mbrtowc(&c, s.data() + i, s.size() - i, &state);
  if (n == 0 || n == static_cast<size_t>(-1) || n == static_cast<size_t>(-2)) {
    ++i;
    return n == 0 ? U'\0' : U'\uFFFD';
  }
  i += n;
  return static_cast<char32_t>(c);
}

// Terminal cells a printable code point takes (wcwidth: 0 for combining marks, 2 for East
// Asian wide and fullwidth characters).
int CellWidth(char32_t c) {
  const int width = wcwidth(static_cast<wchar_t>(c));
  return width < 0 ? 1 : width;
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
  const Utf8Scope utf8;
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
  const Utf8Scope utf8;
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
