// Response helpers shared by the Graph handlers.
#include <boost/json/serialize.hpp>

#include "core/ids.h"
#include "http/graph/collection.h"
#include "http/graph/graph_context.h"

namespace pim::http {
namespace json = boost::json;

std::string ToJson(const json::object& object) { return json::serialize(object); }

HttpResponse GraphError(const Status& status) {
  HttpResponse response = ErrorResponse(status);
  if (response.status == 401) {
    bool has_challenge = false;
    for (const auto& [name, value] : response.headers) {
      if (EqualsIgnoreCase(name, "www-authenticate")) has_challenge = true;
    }
    if (!has_challenge) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  }
  return response;
}

HttpResponse EntityResponse(const HttpRequest& request, int status, std::string_view context_path,
                            json::object entity) {
  json::object out;
  out.reserve(entity.size() + 1);
  out["@odata.context"] = ContextUrl(request, context_path);
  for (auto& member : entity) out[member.key()] = std::move(member.value());
  return JsonResponse(status, ToJson(out));
}

HttpResponse EntityJsonResponse(const HttpRequest& request, int status,
                                std::string_view context_path, std::string_view entity_json) {
  std::string context = json::serialize(json::string(ContextUrl(request, context_path)));
  std::string body;
  body.reserve(entity_json.size() + context.size() + 20);
  body.append("{\"@odata.context\":").append(context);
  // entity_json is "{}" or "{...}": keep its members after the context.
  if (entity_json.size() > 2) body.push_back(',');
  if (entity_json.size() >= 2) body.append(entity_json.substr(1));
  if (entity_json.size() < 2) body.push_back('}');
  return JsonResponse(status, std::move(body));
}

HttpResponse ObjectResponse(int status, const json::object& object) {
  return JsonResponse(status, ToJson(object));
}

HttpResponse NoContent() {
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

}  // namespace pim::http
