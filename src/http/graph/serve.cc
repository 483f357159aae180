#include "http/graph/serve.h"

#include <algorithm>

#include "core/ids.h"

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

HttpResponse ServeScannedCollection(const HttpRequest& request, const CollectionSpec& spec,
                                    const ScanFn& scan, const ExpandFn& expand) {
  Result<QueryOptions> options = ParseQueryOptions(request, spec);
  if (!options.ok()) return GraphError(options.status());
  uint64_t start = 0;
  if (options->skiptoken) {
    Result<int64_t> seq = DecodeSkipToken(*options->skiptoken, "seq");
    if (!seq.ok()) return GraphError(seq.status());
    start = static_cast<uint64_t>(*seq);
  }
  // $count is the number of every matching item, those before this page's start included.
  uint64_t from = options->count ? 0 : start;
  bool more = true;
  json::array value;
  std::optional<std::string> next;
  int64_t count = 0;
  size_t limit = static_cast<size_t>(options->top) + 1;
  // Ids are lower-case GUIDs; the filter compares case-insensitively, and still runs on every item.
  const std::string principal = ToLower(options->filter.EqualityValue("principalId"));
  while (more) {
    Result<EncodedChunk> chunk = scan(from, limit, principal);
    limit = std::min(limit * 2, kMaxScanChunk);
    if (!chunk.ok()) return GraphError(chunk.status());
    for (auto& [seq, item] : chunk->items) {
      if (options->has_filter && !options->filter.Matches(item)) continue;
      ++count;
      if (seq < start || next) continue;
      if (value.size() == static_cast<size_t>(options->top)) {
        next = EncodeSkipToken("seq", static_cast<int64_t>(seq));
        continue;
      }
      if (expand && !options->expand.empty()) {
        Status st = expand(item, options->expand);
        if (!st.ok()) return GraphError(st);
      }
      ApplySelect(*options, item);
      value.emplace_back(std::move(item));
    }
    more = chunk->resume.has_value() && (!next || options->count);
    if (more) from = *chunk->resume;
  }
  return ObjectResponse(
      200, CollectionObject(request, spec, std::move(value),
                            options->count ? std::optional<int64_t>(count) : std::nullopt, next));
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
