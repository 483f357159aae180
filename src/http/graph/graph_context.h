// Shared plumbing of the Graph handlers: what every route family is given, the authentication
// wrapper (auth_middleware.cc) and the response helpers (responses.cc).
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "engine/pim_service.h"
#include "http/router.h"
#include "store/store.h"

namespace pim::http {

// The objects the handlers use. All outlive the router.
struct GraphContext {
  PimService& service;
  Store& store;
  const Clock& clock;
};

using CallerHandler =
    std::function<HttpResponse(const HttpRequest&, const RouteParams&, const Caller&)>;

// Resolves "Authorization: Bearer <token>" through PimService::Authenticate; the Caller's ip is
// request.remote_ip. Unauthenticated (error code InvalidAuthenticationToken) when the header is
// missing, not a Bearer credential, or the token is unknown, expired or revoked.
Result<Caller> AuthenticateRequest(const PimService& service, const HttpRequest& request);

// A Handler that authenticates first (401 with a Graph error body and `WWW-Authenticate:
// Bearer` on failure), then runs `handler`. Exceptions escaping `handler` become a 500 Graph
// error instead of reaching the server.
Handler WithCaller(const PimService& service, CallerHandler handler);

// Runs `handler`, turning escaping exceptions into a 500 Graph error (for unauthenticated
// routes such as the token endpoint).
Handler Guarded(Handler handler);

// Runs `handler` in a DeferCommits scope (engine/deferred_commit.h): the engine's commits do not
// hold the worker thread until they are durable; the response carries a `defer` that the server
// waits on before sending it. For routes whose handler makes engine changes and nothing else that
// blocks.
Handler Deferring(Handler handler);

// ErrorResponse(status), plus `WWW-Authenticate: Bearer` on 401 if the server's mapping left it
// out.
HttpResponse GraphError(const Status& status);

// `entity` with "@odata.context": "<base>/v1.0/$metadata#<context_path>" placed first.
HttpResponse EntityResponse(const HttpRequest& request, int status, std::string_view context_path,
                            boost::json::object entity);
// The same for an entity already serialized as a JSON object (`entity_json`, e.g. from an
// EntityCache): the context member is spliced in front of its members.
HttpResponse EntityJsonResponse(const HttpRequest& request, int status,
                                std::string_view context_path, std::string_view entity_json);
// A collection object from collection.h (already carries its context).
HttpResponse ObjectResponse(int status, const boost::json::object& object);
// 204 No Content.
HttpResponse NoContent();

// Body to JSON text; the shared serialiser.
std::string ToJson(const boost::json::object& object);

}  // namespace pim::http
