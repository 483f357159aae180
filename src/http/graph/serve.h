// The common shape of a GET handler: validate the query options against the collection's spec,
// fetch, then page/expand/select and answer. Errors from any step become Graph error responses.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/graph/collection.h"
#include "http/graph/graph_context.h"

namespace pim::http {

using ItemsFn = std::function<Result<std::vector<boost::json::object>>()>;
using ItemFn = std::function<Result<boost::json::object>()>;

// GET of a collection: 200 with {"@odata.context", "value", ...} or the error.
HttpResponse ServeCollection(const HttpRequest& request, const CollectionSpec& spec,
                             const ItemsFn& items, const ExpandFn& expand = {});

// Encoded items with their positions in creation order, and where the next chunk starts
// (nullopt: at the end): what a ScanFn gives for the chunk starting at position `from`.
struct EncodedChunk {
  std::vector<std::pair<uint64_t, boost::json::object>> items;
  std::optional<uint64_t> resume;
};
// Visits at most `limit` stored objects from position `from`; only those of `principal` when it
// is not empty (the request's $filter has a top-level `principalId eq` that only they can match).
using ScanFn =
    std::function<Result<EncodedChunk>(uint64_t from, size_t limit, const std::string& principal)>;

// The most stored objects one chunk of a scanned listing visits (one hold of the engine's lock).
// The first chunk visits one more than the page holds; each next one twice the last, up to this.
inline constexpr size_t kMaxScanChunk = 1024;

// GET of a collection the engine lists chunk by chunk (PimService::Scan*): the page starts at
// the position in a "seq" skip token, scanning stops once the page is full and the next matching
// item is found (unless $count asks for the total), and only one chunk plus the page is held at
// a time. The next link names the position of the first item of the next page.
HttpResponse ServeScannedCollection(const HttpRequest& request, const CollectionSpec& spec,
                                    const ScanFn& scan, const ExpandFn& expand = {});

// Converts one engine chunk to Graph JSON with `encode`.
template <typename T, typename Encode>
Result<EncodedChunk> EncodeChunk(Result<ListChunk<T>> chunk, Encode encode) {
  if (!chunk.ok()) return chunk.status();
  EncodedChunk out;
  out.items.reserve(chunk->items.size());
  for (const auto& [seq, item] : chunk->items) out.items.emplace_back(seq, encode(item));
  out.resume = chunk->resume;
  return out;
}

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
