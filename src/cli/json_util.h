// Non-throwing accessors for Boost.JSON values received from the server. A missing member or a
// member of another type reads as empty, so printing code never throws on odd server output.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"

namespace pim::cli {

namespace json = boost::json;

// Parses `text`; InvalidArgument naming the problem when it is not JSON.
Result<json::value> ParseJson(std::string_view text);

// The member `key` of `v` when `v` is an object holding one, else nullptr.
const json::value* Member(const json::value& v, std::string_view key);
// Follows a path of members ("a", "b") -> v.a.b; nullptr when any step is missing.
const json::value* Path(const json::value& v, std::initializer_list<std::string_view> keys);
// The string at `key` (or path), "" when absent or not a string.
std::string Str(const json::value& v, std::string_view key);
std::string StrAt(const json::value& v, std::initializer_list<std::string_view> keys);
// The array at `key`, or an empty array.
const json::array& Arr(const json::value& v, std::string_view key);
// The bool at `key`, `fallback` when absent or not a bool.
bool Bool(const json::value& v, std::string_view key, bool fallback = false);

}  // namespace pim::cli
