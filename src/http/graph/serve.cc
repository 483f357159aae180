#include "http/graph/serve.h"

namespace pim::http {
namespace json = boost::json;

HttpResponse ServeCollection(const HttpRequest& request, const CollectionSpec& spec,
                             const ItemsFn& items, const ExpandFn& expand) {
  Result<QueryOptions> options = ParseQueryOptions(request, spec);
  if (!options.ok()) return GraphError(options.status());
  Result<std::vector<json::object>> list = items();
  if (!list.ok()) return GraphError(list.status());
  Result<json::object> page = BuildPage(request, spec, *options, std::move(list).value(), expand);
  if (!page.ok()) return GraphError(page.status());
  return ObjectResponse(200, *page);
}

HttpResponse ServeEntity(const HttpRequest& request, const CollectionSpec& spec, const ItemFn& item,
                         const ExpandFn& expand) {
  Result<QueryOptions> options = ParseEntityQueryOptions(request, spec);
  if (!options.ok()) return GraphError(options.status());
  Result<json::object> entity = item();
  if (!entity.ok()) return GraphError(entity.status());
  if (expand && !options->expand.empty()) {
    Status st = expand(*entity, options->expand);
    if (!st.ok()) return GraphError(st);
  }
  ApplySelect(*options, *entity);
  return EntityResponse(request, 200, spec.context_path + "/$entity", std::move(entity).value());
}

std::set<std::string> KeysOf(const json::object& sample) {
  std::set<std::string> out;
  for (const auto& member : sample) out.emplace(member.key());
  return out;
}

}  // namespace pim::http
