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
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
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

char FoldCase(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// True when `part` fills the literal-with-capture segment `seg` with a non-empty capture.
bool FillsPartial(const Segment& seg, std::string_view part) {
  return part.size() > seg.prefix.size() + seg.suffix.size() &&
         StartsWithIgnoreCase(part, seg.prefix) && EndsWithIgnoreCase(part, seg.suffix);
}

}  // namespace

// FNV-1a over the ASCII-lower-cased bytes: finds a literal child by a path segment as received,
// without lower-casing a copy of it.
size_t Router::FoldedHash::operator()(std::string_view s) const {
  uint64_t h = 14695981039346656037ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(FoldCase(c));
    h *= 1099511628211ull;
  }
  return static_cast<size_t>(h);
}

bool Router::FoldedEqual::operator()(std::string_view a, std::string_view b) const {
  return EqualsIgnoreCase(a, b);
}

struct Router::Route {
  size_t order = 0;  // registration order: the first of equally specific routes wins
  std::string method;
  std::vector<Segment> segments;
  std::string name;
  Handler handler;
  bool blocking = false;
  InlinePredicate inline_if;

  // The captured values of `parts`, which match this route's pattern.
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
    return order < other.order;
  }
};

// One segment position of the registered patterns: literal children by their lower-cased text,
// literal-with-capture children by their lower-cased prefix and suffix, and one child for a
// whole captured segment; `routes` end here (in registration order).
struct Router::Node {
  boost::unordered_flat_map<std::string, std::unique_ptr<Node>, FoldedHash, FoldedEqual> literals;
  std::vector<std::pair<Segment, std::unique_ptr<Node>>> partials;
  std::unique_ptr<Node> any;
  std::vector<const Route*> routes;
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

// The most specific route for `method` under `node` matching parts[i..]: a match through a
// literal child beats any through a partial one, which beats any through the whole-segment
// capture (lexicographic, as MoreSpecificThan; the first registered wins a tie).
const Router::Route* Router::Best(const Node& node, const std::vector<std::string_view>& parts,
                                  size_t i, std::string_view method) {
  if (i == parts.size()) {
    for (const Route* route : node.routes) {
      if (route->method == method) return route;
    }
    return nullptr;
  }
  const std::string_view part = parts[i];
  if (auto it = node.literals.find(part); it != node.literals.end()) {
    if (const Route* found = Best(*it->second, parts, i + 1, method)) return found;
  }
  const Route* best = nullptr;
  for (const auto& [seg, child] : node.partials) {
    if (!FillsPartial(seg, part)) continue;
    const Route* found = Best(*child, parts, i + 1, method);
    if (found != nullptr && (best == nullptr || found->MoreSpecificThan(*best))) best = found;
  }
  if (best != nullptr) return best;
  if (node.any != nullptr && !part.empty()) return Best(*node.any, parts, i + 1, method);
  return nullptr;
}

// The methods of every route matching parts[i..] under `node`.
void Router::Methods(const Node& node, const std::vector<std::string_view>& parts, size_t i,
                     std::set<std::string>& out) {
  if (i == parts.size()) {
    for (const Route* route : node.routes) out.insert(route->method);
    return;
  }
  const std::string_view part = parts[i];
  if (auto it = node.literals.find(part); it != node.literals.end()) {
    Methods(*it->second, parts, i + 1, out);
  }
  for (const auto& [seg, child] : node.partials) {
    if (FillsPartial(seg, part)) Methods(*child, parts, i + 1, out);
  }
  if (node.any != nullptr && !part.empty()) Methods(*node.any, parts, i + 1, out);
}

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
  auto route = std::make_unique<Route>();
  route->method = std::move(method);
  for (std::string_view part : SplitPath(pattern)) route->segments.push_back(ParseSegment(part));
  route->name = std::move(route_name);
  route->handler = std::move(handler);
  route->blocking = blocking;
  route->inline_if = std::move(inline_if);
  route->order = routes_.size();
  Node* node = root_.get();
  for (const Segment& seg : route->segments) {
    std::unique_ptr<Node>* child = nullptr;
    if (seg.Specificity() == 2) {
      child = &node->literals[ToLower(seg.prefix)];
    } else if (seg.Specificity() == 0) {
      child = &node->any;
    } else {
      for (auto& [other, next] : node->partials) {
        if (EqualsIgnoreCase(other.prefix, seg.prefix) &&
            EqualsIgnoreCase(other.suffix, seg.suffix)) {
          child = &next;
          break;
        }
      }
      if (child == nullptr) child = &node->partials.emplace_back(seg, nullptr).second;
    }
    if (*child == nullptr) *child = std::make_unique<Node>();
    node = child->get();
  }
  node->routes.push_back(route.get());
  routes_.push_back(std::move(route));
}

Result<RouteMatch> Router::Find(std::string_view method, std::string_view path) const {
  std::vector<std::string_view> parts = SplitPath(path);
  // HEAD is GET without the content (RFC 9110 section 9.3.2: the session drops the body and
  // keeps Content-Length), so every GET route answers it.
  const std::string_view lookup = method == "HEAD" ? std::string_view("GET") : method;
  if (const Route* best = parts.empty() ? nullptr : Best(*root_, parts, 0, lookup)) {
    return RouteMatch{&best->handler, best->Capture(parts), best->name, best->blocking,
                      best->inline_if ? &best->inline_if : nullptr};
  }
  std::set<std::string> allowed;
  if (!parts.empty()) Methods(*root_, parts, 0, allowed);
  if (allowed.count("GET")) allowed.insert("HEAD");
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
