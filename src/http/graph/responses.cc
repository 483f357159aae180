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
  // The context member is spliced in front of the serialised entity rather than inserted into a
  // copy of it (the entities' codecs never write one themselves).
  return EntityJsonResponse(request, status, context_path, ToJson(entity));
}

HttpResponse EntityJsonResponse(const HttpRequest& request, int status,
                                std::string_view context_path, std::string_view entity_json) {
  // entity_json is "{}" or "{...}": what follows its '{' goes after the context member.
  std::string_view rest = entity_json.substr(1);
  std::string body = "{\"@odata.context\":";
  body += json::serialize(json::string(ContextUrl(request, context_path)));
  if (rest != "}") body += ',';
  body += rest;
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
