#include "http/graph/collection.h"

#include <boost/json/array.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/grammar/lut_chars.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <charconv>

#include "auth/crypto.h"
#include "core/ids.h"

namespace pim::http {
namespace json = boost::json;
namespace {

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// Splits on commas that are not inside parentheses.
std::vector<std::string> SplitTopLevel(std::string_view s) {
  std::vector<std::string> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || (s[i] == ',' && depth == 0)) {
      out.emplace_back(Trim(s.substr(start, i - start)));
      start = i + 1;
    } else if (s[i] == '(') {
      ++depth;
    } else if (s[i] == ')') {
      --depth;
    }
  }
  return out;
}

// The navigation property an $expand token names ("policy($expand=rules)" -> "policy").
std::string ExpandName(std::string_view token) {
  return std::string(token.substr(0, token.find('(')));
}

Result<int> ParseTop(std::string_view text) {
  int top = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), top);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || top < 1 ||
      top > kMaxTop) {
    return InvalidArgument("Invalid value '" + std::string(text) +
                           "' for query option '$top': expected an integer from 1 to " +
                           std::to_string(kMaxTop) + ".");
  }
  return top;
}

Status ParseSelect(std::string_view text, const CollectionSpec& spec, QueryOptions& out) {
  for (const std::string& name : SplitTopLevel(text)) {
    if (name.empty())
      return InvalidArgument("Invalid query option '$select': empty property name.");
    if (spec.select_properties.count(name) == 0) {
      return InvalidArgument("Could not find a property named '" + name +
                             "' for query option '$select'.");
    }
    out.select.push_back(name);
  }
  return Status::Ok();
}

Status ParseExpand(std::string_view text, const CollectionSpec& spec, QueryOptions& out) {
  for (const std::string& token : SplitTopLevel(text)) {
    if (token.empty())
      return InvalidArgument("Invalid query option '$expand': empty property name.");
    if (spec.expand_properties.count(token) == 0) {
      std::string allowed;
      for (const std::string& p : spec.expand_properties)
        allowed += (allowed.empty() ? "" : ", ") + p;
      return InvalidArgument("Could not expand '" + token + "'" +
                             (allowed.empty() ? std::string(": this resource has no expandable "
                                                            "properties.")
                                              : "; expandable: " + allowed + "."));
    }
    out.expand.insert(token);
  }
  return Status::Ok();
}

Result<QueryOptions> ParseOptions(const HttpRequest& request, const CollectionSpec& spec,
                                  bool entity) {
  QueryOptions out;
  std::set<std::string> seen;
  for (const auto& [raw_key, value] : request.query) {
    if (raw_key.empty() || raw_key[0] != '$') continue;
    std::string key = ToLower(raw_key);
    if (!seen.insert(key).second) {
      return InvalidArgument("Query option '" + key + "' was specified more than once.");
    }
    bool collection_only =
        key == "$top" || key == "$skiptoken" || key == "$filter" || key == "$count";
    if (entity && collection_only) {
      return InvalidArgument("Query option '" + key + "' is not allowed on a single entity.");
    }
    if (key == "$top") {
      ASSIGN_OR_RETURN(out.top, ParseTop(value));
    } else if (key == "$skiptoken") {
      out.skiptoken = value;
    } else if (key == "$filter") {
      Result<Filter> filter = Filter::Parse(value, spec.filter_properties);
      if (!filter.ok()) {
        return InvalidArgument("Invalid query option '$filter': " + filter.status().message());
      }
      out.filter = std::move(filter).value();
      out.has_filter = true;
    } else if (key == "$select") {
      RETURN_IF_ERROR(ParseSelect(value, spec, out));
    } else if (key == "$expand") {
      RETURN_IF_ERROR(ParseExpand(value, spec, out));
    } else if (key == "$count") {
      if (EqualsIgnoreCase(value, "true")) {
        out.count = true;
      } else if (!EqualsIgnoreCase(value, "false")) {
        return InvalidArgument("Invalid value '" + value +
                               "' for query option '$count': expected true or false.");
      }
    } else {
      return InvalidArgument("Query option '" + raw_key + "' is not supported.");
    }
  }
  return out;
}

}  // namespace

Result<QueryOptions> ParseQueryOptions(const HttpRequest& request, const CollectionSpec& spec) {
  return ParseOptions(request, spec, /*entity=*/false);
}

Result<QueryOptions> ParseEntityQueryOptions(const HttpRequest& request,
                                             const CollectionSpec& spec) {
  return ParseOptions(request, spec, /*entity=*/true);
}

std::string ContextUrl(const HttpRequest& request, std::string_view path) {
  return request.base_url + "/v1.0/$metadata#" + std::string(path);
}

std::string EncodeSkipToken(std::string_view kind, int64_t n) {
  std::string token = Base64Encode(std::string(kind) + ":" + std::to_string(n));
  // URL-safe alphabet without padding, so the token needs no escaping in a link.
  for (char& c : token) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!token.empty() && token.back() == '=') token.pop_back();
  return token;
}

Result<int64_t> DecodeSkipToken(std::string_view token, std::string_view kind) {
  Status bad = InvalidArgument("Invalid value for query option '$skiptoken'.");
  if (token.empty() || token.size() > 64) return bad;
  std::string b64(token);
  for (char& c : b64) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (c == '+' || c == '/' || c == '=')
      return bad;
  }
  while (b64.size() % 4 != 0) b64.push_back('=');
  Result<std::string> decoded = Base64Decode(b64);
  if (!decoded.ok()) return bad;
  std::string_view text(*decoded);
  if (text.size() <= kind.size() + 1 || text.substr(0, kind.size()) != kind ||
      text[kind.size()] != ':') {
    return bad;
  }
  std::string_view digits = text.substr(kind.size() + 1);
  int64_t n = -1;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n < 0) return bad;
  // Only canonical encodings are accepted (no leading zeros or signs smuggled in).
  if (EncodeSkipToken(kind, n) != token) return bad;
  return n;
}

std::string NextLink(const HttpRequest& request, std::string_view skiptoken) {
  // Encodes every query character outside kQuerySafe; in particular '+', which servers (pim's
  // included) read as a space in a query, is written %2B.
  static constexpr boost::urls::grammar::lut_chars kQuerySafe =
      boost::urls::unreserved_chars + "$'(),:@/!*;";
  std::string query;
  auto append = [&](std::string_view key, std::string_view value) {
    if (!query.empty()) query += '&';
    query += boost::urls::encode(key, kQuerySafe);
    query += '=';
    query += boost::urls::encode(value, kQuerySafe);
  };
  for (const auto& [key, value] : request.query) {
    if (ToLower(key) != "$skiptoken") append(key, value);
  }
  append("$skiptoken", skiptoken);
  boost::urls::url url;
  auto base = boost::urls::parse_uri(request.base_url);
  std::string path = request.path;
  if (base) {
    url = *base;
    path = std::string(base->path()) + path;  // a --public-url may serve pimd under a path
  }
  url.set_path(path);
  url.set_encoded_query(query);
  return std::string(url.buffer());
}

void ApplySelect(const QueryOptions& options, json::object& item) {
  if (options.select.empty()) return;
  std::set<std::string, std::less<>> keep(options.select.begin(), options.select.end());
  keep.insert("id");
  for (const std::string& token : options.expand) keep.insert(ExpandName(token));
  for (auto it = item.begin(); it != item.end();) {
    std::string_view key(it->key().data(), it->key().size());
    if (key.rfind("@odata.", 0) == 0 || keep.count(key) != 0) {
      ++it;
    } else {
      it = item.erase(it);
    }
  }
}

json::object CollectionObject(const HttpRequest& request, const CollectionSpec& spec,
                              json::array value, std::optional<int64_t> count,
                              std::optional<std::string> next_skiptoken) {
  json::object out;
  out["@odata.context"] = ContextUrl(request, spec.context_path);
  if (count) out["@odata.count"] = *count;
  if (next_skiptoken) out["@odata.nextLink"] = NextLink(request, *next_skiptoken);
  out["value"] = std::move(value);
  return out;
}

Result<json::object> BuildPage(const HttpRequest& request, const CollectionSpec& spec,
                               const QueryOptions& options, std::vector<json::object> items,
                               const ExpandFn& expand) {
  int64_t offset = 0;
  if (options.skiptoken) {
    ASSIGN_OR_RETURN(offset, DecodeSkipToken(*options.skiptoken, "offset"));
  }
  std::vector<json::object> matching;
  if (options.has_filter) {
    for (json::object& item : items) {
      if (options.filter.Matches(item)) matching.push_back(std::move(item));
    }
  } else {
    matching = std::move(items);
  }
  const int64_t total = static_cast<int64_t>(matching.size());
  const int64_t begin = std::min(offset, total);
  const int64_t end = std::min(total, begin + options.top);
  json::array value;
  value.reserve(static_cast<size_t>(end - begin));
  for (int64_t i = begin; i < end; ++i) {
    json::object& item = matching[static_cast<size_t>(i)];
    if (expand && !options.expand.empty()) RETURN_IF_ERROR(expand(item, options.expand));
    ApplySelect(options, item);
    value.emplace_back(std::move(item));
  }
  std::optional<std::string> next;
  if (end < total) next = EncodeSkipToken("offset", end);
  return CollectionObject(request, spec, std::move(value),
                          options.count ? std::optional<int64_t>(total) : std::nullopt, next);
}

}  // namespace pim::http
