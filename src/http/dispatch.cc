#include "http/dispatch.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace pim::http {

Dispatcher::Dispatcher(const Router& router, Metrics& metrics, std::function<bool()> readiness,
                       std::function<std::optional<std::string>()> write_guard)
    : router_(router), write_guard_(std::move(write_guard)) {
  builtin_.Add("GET", "/healthz", "healthz", [](const HttpRequest&, const RouteParams&) {
    return JsonResponse(200, R"({"status":"ok"})");
  });
  builtin_.Add("GET", "/readyz", "readyz",
               [readiness = std::move(readiness)](const HttpRequest&, const RouteParams&) {
                 if (readiness && !readiness()) {
                   return ErrorResponse(Status(StatusCode::kUnavailable, "Not ready."));
                 }
                 return JsonResponse(200, R"({"status":"ok"})");
               });
  builtin_.Add("GET", "/metrics", "metrics", [&metrics](const HttpRequest&, const RouteParams&) {
    HttpResponse response;
    response.content_type = Metrics::kContentType;
    response.body = metrics.Render();
    return response;
  });
}

DispatchPlan Dispatcher::Plan(const HttpRequest& request) const {
  DispatchPlan plan;
  Result<RouteMatch> match = builtin_.Find(request.method, request.path);
  if (!match.ok() && match.status().code() == StatusCode::kNotFound) {
    match = router_.Find(request.method, request.path);
  }
  if (!match.ok()) {
    plan.immediate = ErrorResponse(match.status());
    return plan;
  }
  plan.route_name = std::move(match->route_name);
  if (write_guard_ && request.method != "GET" && request.method != "HEAD") {
    if (std::optional<std::string> refusal = write_guard_()) {
      plan.immediate = ErrorResponse(Status(StatusCode::kUnavailable, *refusal));
      plan.immediate->headers.emplace_back("Retry-After", "30");
      return plan;
    }
  }
  plan.handler = match->handler;
  plan.params = std::move(match->params);
  plan.blocking = match->blocking;
  plan.inline_if = match->inline_if;
  return plan;
}

HttpResponse Dispatcher::Invoke(const DispatchPlan& plan, const HttpRequest& request) {
  if (plan.immediate) return *plan.immediate;
  try {
    return (*plan.handler)(request, plan.params);
  } catch (const std::exception& e) {
    spdlog::error("handler for route {} ({} {}) threw: {}", plan.route_name, request.method,
                  request.path, e.what());
  } catch (...) {
    spdlog::error("handler for route {} ({} {}) threw a non-standard exception", plan.route_name,
                  request.method, request.path);
  }
  return ErrorResponse(Status(StatusCode::kInternal, "An internal error occurred."));
}

}  // namespace pim::http
