#include "cli/cmd_util.h"

namespace pim::cli {

Timestamp InstantOrNever(const std::string& text) {
  if (text.empty()) return Timestamp::Max();
  Result<Timestamp> t = ParseTimestamp(text);
  return t.ok() ? *t : Timestamp::Max();
}

std::string ShortTime(const std::string& iso) {
  const Timestamp t = InstantOrNever(iso);
  if (t.is_max()) return "-";
  // "YYYY-MM-DDTHH:MM:SSZ" -> "YYYY-MM-DD HH:MM:SSZ"
  std::string s = FormatTimestamp(Timestamp::FromSeconds(t.micros() / 1000000));
  if (s.size() > 10 && s[10] == 'T') s[10] = ' ';
  return s;
}

Timestamp EndOf(const json::value& v) {
  std::string end = Str(v, "endDateTime");
  if (end.empty()) end = StrAt(v, {"scheduleInfo", "expiration", "endDateTime"});
  return InstantOrNever(end);
}

std::string Clip(const std::string& s, size_t max) {
  size_t points = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (++points > max) return s.substr(0, i) + "...";
  }
  return s;
}

}  // namespace pim::cli
