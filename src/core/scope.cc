#include "core/scope.h"

#include "core/ids.h"

namespace pim {

Result<std::string> NormalizeScope(std::string_view s) {
  auto bad = [&](const char* why) {
    return InvalidArgument("invalid directoryScopeId '" + std::string(s) + "': " + why);
  };
  if (s.empty() || s[0] != '/') return bad("must start with '/'");
  if (s.size() > 1024) return bad("too long");
  if (s == "/") return std::string("/");
  if (s.back() == '/') return bad("trailing '/'");
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == '/' && s[i - 1] == '/') return bad("empty segment");
    if (static_cast<unsigned char>(c) < 0x21 || c == '\\' || c == 0x7f) {
      return bad("control, space or backslash character");
    }
  }
  return ToLower(s);
}

bool ScopeCovers(std::string_view outer, std::string_view inner) {
  if (outer == "/") return true;
  if (inner.size() < outer.size()) return false;
  if (inner.compare(0, outer.size(), outer) != 0) return false;
  return inner.size() == outer.size() || inner[outer.size()] == '/';
}

std::string ParentScope(std::string_view s) {
  if (s == "/" || s.empty()) return "";
  auto pos = s.rfind('/');
  if (pos == 0) return "/";
  return std::string(s.substr(0, pos));
}

}  // namespace pim
