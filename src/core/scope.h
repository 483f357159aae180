// Directory scopes: "/" or "/seg/seg...", no trailing slash, no empty segments, compared
// case-insensitively. A scope covers itself and every scope below it: "/a" covers "/a/b" but not
// "/ab".
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace pim {

// Validates and returns the canonical (lowercased) form. InvalidArgument on a malformed scope.
Result<std::string> NormalizeScope(std::string_view scope);
// Both arguments canonical. True when `outer` is `inner` or an ancestor of it.
bool ScopeCovers(std::string_view outer, std::string_view inner);
// Parent of a canonical scope ("/a/b" -> "/a", "/a" -> "/"); "/" has none (returns "").
std::string ParentScope(std::string_view scope);

}  // namespace pim
