#include "cli/format.h"

#include <algorithm>
#include <cctype>

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

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
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
  std::vector<size_t> width(columns, 0);
  auto measure = [&](const std::vector<std::string>& r) {
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], Utf8Length(r[c]));
  };
  measure(header);
  for (const auto& r : rows) measure(r);

  std::string out;
  auto emit = [&](const std::vector<std::string>& r) {
    std::string line;
    for (size_t c = 0; c < columns; ++c) {
      const std::string cell = c < r.size() ? r[c] : std::string();
      line += cell;
      if (c + 1 < columns) line.append(width[c] - Utf8Length(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  emit(header);
  for (const auto& r : rows) emit(r);
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
