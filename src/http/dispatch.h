// Dispatcher: decides what answers a parsed request (the server's own /healthz, /readyz and
// /metrics, then the application Router) and invokes handlers safely. Private to http/;
// Beast-free. Thread-safety: Plan() and Invoke() may be called concurrently.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "http/metrics.h"
#include "http/router.h"

namespace pim::http {

// What to do with one request: either an immediate response (404, 405, ...) or a handler.
struct DispatchPlan {
  std::string route_name = "unmatched";  // metrics label
  const Handler* handler = nullptr;
  RouteParams params;
  bool blocking = false;
  const InlinePredicate* inline_if = nullptr;  // see Router::Add
  std::optional<HttpResponse> immediate;
};

class Dispatcher {
 public:
  // `router` and `metrics` must outlive the Dispatcher. `readiness` (may be empty: always
  // ready) decides between 200 and 503 on /readyz. `write_guard` (may be empty) gives the
  // reason to answer 503 to any request but GET and HEAD, when it gives one.
  Dispatcher(const Router& router, Metrics& metrics, std::function<bool()> readiness,
             std::function<std::optional<std::string>()> write_guard = {});

  DispatchPlan Plan(const HttpRequest& request) const;
  // Runs the plan's handler (or returns its immediate response). A handler that throws is a bug:
  // logged at error level and answered with 500.
  static HttpResponse Invoke(const DispatchPlan& plan, const HttpRequest& request);

 private:
  const Router& router_;
  Router builtin_;
  std::function<std::optional<std::string>()> write_guard_;
};

}  // namespace pim::http
