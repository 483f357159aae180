// The HTTP seam between the Beast server (server.h) and pim's handlers. Handlers see plain
// HttpRequest/HttpResponse values; nothing outside http/server*.cc includes Boost.Beast.
//
// Routes are registered with a method, a path pattern and a name (the metrics label). Pattern
// segments are literals, "{name}" (captures one segment, percent-decoded), or a literal with a
// captured part such as "filterByCurrentUser(on='{on}')". Routes marked `blocking` (anything that
// writes, waits for a commit or hashes a password) run on the server's worker pool; the others
// run on the I/O thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace pim::http {

struct HttpRequest {
  std::string method;  // upper case: GET, POST, PATCH, PUT, DELETE
  std::string target;  // as received: path?query
  std::string path;    // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;  // percent-decoded, in order
  std::map<std::string, std::string> headers;              // lower-case names
  std::string body;
  std::string remote_ip;
  std::string base_url;  // "http://127.0.0.1:8080" or "https://...": for @odata.nextLink

  // Header value by lower-case name, "" when absent.
  std::string Header(std::string_view lower_name) const;
  // First query parameter with that name (exact, e.g. "$filter").
  std::optional<std::string> Query(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Retry-After, ...)
  // When set, the response is not ready yet: the server calls `defer` with a continuation and
  // sends the response when (and on whatever thread) that continuation is called, e.g. once the
  // handler's changes are durable. The handler's thread is free meanwhile.
  std::function<void(std::function<void()> send)> defer;
};

using RouteParams = std::map<std::string, std::string>;
using Handler = std::function<HttpResponse(const HttpRequest&, const RouteParams&)>;

// For a blocking route: asked on the I/O thread for each request; true runs the handler there
// instead of on a worker (e.g. when the lock it needs is free, so it will not wait).
using InlinePredicate = std::function<bool()>;

struct RouteMatch {
  const Handler* handler = nullptr;
  RouteParams params;
  std::string route_name;
  bool blocking = false;
  const InlinePredicate* inline_if = nullptr;  // null: always as `blocking` says
};

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  void Add(std::string method, std::string pattern, std::string route_name, Handler handler,
           bool blocking = false, InlinePredicate inline_if = {});
  // The matching route; NotFound (404) for an unknown path, a kFailedPrecondition Status with
  // error code "MethodNotAllowed" ... mapped to 405 ... when the path exists under another method.
  // Walks a tree of the patterns' segments: the cost follows the path's length, not the number
  // of routes.
  Result<RouteMatch> Find(std::string_view method, std::string_view path) const;

 private:
  struct Route;
  struct Node;
  struct FoldedHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  struct FoldedEqual {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };
  static const Route* Best(const Node& node, const std::vector<std::string_view>& parts, size_t i,
                           std::string_view method);
  static void Methods(const Node& node, const std::vector<std::string_view>& parts, size_t i,
                      std::set<std::string>& out);

  std::vector<std::unique_ptr<Route>> routes_;  // owns the routes the tree points at
  std::unique_ptr<Node> root_;
};

// The single place where Status becomes an HTTP status and a Graph-style error body:
// {"error":{"code":"...","message":"...","innerError":{"date":"...","request-id":"...", ...}}}.
// Status codes: InvalidArgument 400, Unauthenticated 401 (+ WWW-Authenticate: Bearer),
// PermissionDenied 403, NotFound 404, AlreadyExists/FailedPrecondition 409, error code
// "MethodNotAllowed" 405, "RequestEntityTooLarge" 413, "RequestHeaderFieldsTooLarge" 431,
// ResourceExhausted 429 (+ Retry-After), Unavailable 503, Internal 500.
HttpResponse ErrorResponse(const Status& status);
// `text` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD:
// for client input (paths, ids, query options, form fields) echoed in a JSON body, which must
// be UTF-8 (RFC 8259). Valid text is returned unchanged.
std::string ValidUtf8(std::string_view text);
// Graph's correlation ids, added to every answer just before it is written: when the caller
// sent a `client-request-id` (may be empty: then nothing), the same header, echoed, and in a
// Graph error body's innerError. (ErrorResponse already gave errors a `request-id` header, the
// one in their innerError.)
void AddRequestIds(HttpResponse& response, std::string_view client_request_id);
// 200/201 with a JSON body.
HttpResponse JsonResponse(int status, std::string json_body);

}  // namespace pim::http
