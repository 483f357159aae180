// Bearer authentication for every /v1.0 route.
#include <exception>

#include "core/ids.h"
#include "engine/deferred_commit.h"
#include "http/graph/graph_context.h"

namespace pim::http {
namespace {

Status InvalidToken(std::string message) {
  return Status(StatusCode::kUnauthenticated, std::move(message), "InvalidAuthenticationToken");
}

HttpResponse InternalError(const char* what) {
  return GraphError(Internal(std::string("Unexpected error while handling the request: ") + what));
}

}  // namespace

Result<Caller> AuthenticateRequest(const PimService& service, const HttpRequest& request) {
  std::string header = request.Header("authorization");
  if (header.empty()) return InvalidToken("Access token is empty.");
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() ||
      !EqualsIgnoreCase(std::string_view(header).substr(0, kScheme.size()), kScheme)) {
    return InvalidToken("The Authorization header must carry a Bearer access token.");
  }
  std::string token = header.substr(kScheme.size());
  size_t first = token.find_first_not_of(' ');
  size_t last = token.find_last_not_of(' ');
  if (first == std::string::npos) return InvalidToken("Access token is empty.");
  token = token.substr(first, last - first + 1);
  Result<Caller> caller = service.Authenticate(token, request.remote_ip);
  if (!caller.ok()) {
    const Status& st = caller.status();
    if (st.code() == StatusCode::kUnauthenticated) {
      return InvalidToken(st.message().empty() ? "Access token is invalid or has expired."
                                               : st.message());
    }
    return st;
  }
  Caller out = std::move(caller).value();
  out.ip = request.remote_ip;
  return out;
}

Handler WithCaller(const PimService& service, CallerHandler handler) {
  return [&service, handler = std::move(handler)](const HttpRequest& request,
                                                  const RouteParams& params) -> HttpResponse {
    try {
      Result<Caller> caller = AuthenticateRequest(service, request);
      if (!caller.ok()) return GraphError(caller.status());
      return handler(request, params, *caller);
    } catch (const std::exception& e) {
      return InternalError(e.what());
    } catch (...) {
      return InternalError("unknown exception");
    }
  };
}

Handler Deferring(Handler handler) {
  return [handler = std::move(handler)](const HttpRequest& request,
                                        const RouteParams& params) -> HttpResponse {
    std::shared_ptr<PendingDurability> pending;
    HttpResponse response;
    {
      DeferCommits scope;
      response = handler(request, params);
      pending = scope.pending();
    }
    if (pending) {
      response.defer = [pending](std::function<void()> send) {
        WhenDurable(pending, std::move(send));
      };
    }
    return response;
  };
}

Handler Guarded(Handler handler) {
  return [handler = std::move(handler)](const HttpRequest& request,
                                        const RouteParams& params) -> HttpResponse {
    try {
      return handler(request, params);
    } catch (const std::exception& e) {
      return InternalError(e.what());
    } catch (...) {
      return InternalError("unknown exception");
    }
  };
}

}  // namespace pim::http
