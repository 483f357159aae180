// The common shape of a GET handler: validate the query options against the collection's spec,
// fetch, then page/expand/select and answer. Errors from any step become Graph error responses.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <vector>

#include "http/graph/collection.h"
#include "http/graph/graph_context.h"

namespace pim::http {

using ItemsFn = std::function<Result<std::vector<boost::json::object>>()>;
using ItemFn = std::function<Result<boost::json::object>()>;

// GET of a collection: 200 with {"@odata.context", "value", ...} or the error.
HttpResponse ServeCollection(const HttpRequest& request, const CollectionSpec& spec,
                             const ItemsFn& items, const ExpandFn& expand = {});

// GET of one entity of `spec`'s collection: 200 with the entity, its context
// "<spec.context_path>/$entity", $select and $expand applied; or the error.
HttpResponse ServeEntity(const HttpRequest& request, const CollectionSpec& spec, const ItemFn& item,
                         const ExpandFn& expand = {});

// Converts a list of model objects to Graph JSON with `encode`.
template <typename T, typename Encode>
Result<std::vector<boost::json::object>> EncodeAll(const Result<std::vector<T>>& items,
                                                   Encode encode) {
  if (!items.ok()) return items.status();
  std::vector<boost::json::object> out;
  out.reserve(items->size());
  for (const T& item : *items) out.push_back(encode(item));
  return out;
}

// The keys of an encoded sample object: the $select list of a collection.
std::set<std::string> KeysOf(const boost::json::object& sample);

}  // namespace pim::http
