// Router: matches (method, decoded path) against registered patterns.
//
// Matching is segment by segment on the percent-decoded path. Literal segments compare
// case-insensitively (OData URLs are case-insensitive); captured values keep their case. When
// several patterns match, the most specific wins: at the first segment where they differ, a
// literal beats a literal-with-capture, which beats a whole-segment capture.
#include "http/router.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "core/ids.h"

namespace pim::http {

namespace {

// One pattern segment: `prefix{capture}suffix`, or a plain literal when capture is empty.
struct Segment {
  std::string prefix;
  std::string capture;  // empty: literal segment
  std::string suffix;
  // 2 = literal, 1 = literal with a captured part, 0 = whole segment captured.
  int Specificity() const {
    if (capture.empty()) return 2;
    return (prefix.empty() && suffix.empty()) ? 0 : 1;
  }
};

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.empty() || path.front() != '/') return parts;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

Segment ParseSegment(std::string_view text) {
  Segment seg;
  size_t open = text.find('{');
  size_t close = open == std::string_view::npos ? open : text.find('}', open);
  if (open == std::string_view::npos || close == std::string_view::npos) {
    seg.prefix = std::string(text);
    return seg;
  }
  seg.prefix = std::string(text.substr(0, open));
  seg.capture = std::string(text.substr(open + 1, close - open - 1));
  seg.suffix = std::string(text.substr(close + 1));
  return seg;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && EqualsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

}  // namespace

struct Router::Route {
  std::string method;
  std::vector<Segment> segments;
  std::string name;
  Handler handler;
  bool blocking = false;
  InlinePredicate inline_if;

  // True when `parts` match this route's pattern (allocates nothing: most routes do not match).
  bool Match(const std::vector<std::string_view>& parts) const {
    if (parts.size() != segments.size()) return false;
    for (size_t i = 0; i < parts.size(); ++i) {
      const Segment& seg = segments[i];
      std::string_view part = parts[i];
      if (seg.capture.empty()) {
        if (!EqualsIgnoreCase(part, seg.prefix)) return false;
        continue;
      }
      if (part.size() <= seg.prefix.size() + seg.suffix.size()) return false;  // empty capture
      if (!StartsWithIgnoreCase(part, seg.prefix) || !EndsWithIgnoreCase(part, seg.suffix)) {
        return false;
      }
    }
    return true;
  }
  // The captured values of `parts`, which Match().
  RouteParams Capture(const std::vector<std::string_view>& parts) const {
    RouteParams params;
    for (size_t i = 0; i < parts.size(); ++i) {
      const Segment& seg = segments[i];
      if (seg.capture.empty()) continue;
      std::string_view part = parts[i];
      params[seg.capture] = std::string(
          part.substr(seg.prefix.size(), part.size() - seg.prefix.size() - seg.suffix.size()));
    }
    return params;
  }
  // True when this route is more specific than `other` (both matching the same path).
  bool MoreSpecificThan(const Route& other) const {
    for (size_t i = 0; i < segments.size() && i < other.segments.size(); ++i) {
      int a = segments[i].Specificity();
      int b = other.segments[i].Specificity();
      if (a != b) return a > b;
    }
    return false;
  }
};

std::string HttpRequest::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> HttpRequest::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

void Router::Add(std::string method, std::string pattern, std::string route_name, Handler handler,
                 bool blocking, InlinePredicate inline_if) {
  auto route = std::make_shared<Route>();
  route->method = std::move(method);
  for (std::string_view part : SplitPath(pattern)) route->segments.push_back(ParseSegment(part));
  route->name = std::move(route_name);
  route->handler = std::move(handler);
  route->blocking = blocking;
  route->inline_if = std::move(inline_if);
  routes_.push_back(std::move(route));
}

Result<RouteMatch> Router::Find(std::string_view method, std::string_view path) const {
  std::vector<std::string_view> parts = SplitPath(path);
  const Route* best = nullptr;
  std::set<std::string> allowed;
  for (const auto& route : routes_) {
    if (!route->Match(parts)) continue;
    if (route->method != method) {
      allowed.insert(route->method);
      continue;
    }
    if (best == nullptr || route->MoreSpecificThan(*best)) best = route.get();
  }
  if (best != nullptr) {
    return RouteMatch{&best->handler, best->Capture(parts), best->name, best->blocking,
                      best->inline_if ? &best->inline_if : nullptr};
  }
  if (allowed.empty()) {
    return NotFound("Resource not found for the segment path '" + std::string(path) + "'.");
  }
  boost::json::array methods;
  for (const auto& m : allowed) methods.emplace_back(m);
  boost::json::object details{{"allowedMethods", std::move(methods)}};
  return Status(
      StatusCode::kFailedPrecondition,
      "The method " + std::string(method) + " is not allowed on '" + std::string(path) + "'.",
      "MethodNotAllowed", boost::json::serialize(details));
}

}  // namespace pim::http
