// OData query options and paging for Graph collections (CONTRACT.md "Collections and queries").
//
// Every collection route describes itself with a CollectionSpec; ParseQueryOptions validates the
// request's $-options against it ($top 1..999, default 100; $skiptoken; $filter via core/filter.h;
// $select; $expand; $count). Any other $-option, a repeated option, an unknown property or an
// unparsable value is InvalidArgument (400) naming it. Query parameters without '$' are ignored.
//
// $skiptoken is opaque to clients: base64 of "offset:N" (in-memory collections) or "seq:N"
// (audit log). A token that does not decode to the expected form is InvalidArgument.
// @odata.nextLink is absolute: request.base_url + request.path + the other query options +
// $skiptoken.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/filter.h"
#include "core/status.h"
#include "http/router.h"

namespace pim::http {

inline constexpr int kDefaultTop = 100;
inline constexpr int kMaxTop = 999;

struct CollectionSpec {
  // Path after "$metadata#", e.g. "roleManagement/directory/roleAssignmentScheduleRequests".
  std::string context_path;
  std::set<std::string> filter_properties;  // allowed in $filter
  std::set<std::string> select_properties;  // allowed in $select (top-level names)
  std::set<std::string> expand_properties;  // allowed in $expand (exact tokens)
};

struct QueryOptions {
  Filter filter;  // matches everything when no $filter
  bool has_filter = false;
  int top = kDefaultTop;
  std::optional<std::string> skiptoken;  // raw, decoded by the collection
  std::vector<std::string> select;       // empty = every property
  std::set<std::string> expand;
  bool count = false;
};

// Validates the query of a collection request.
Result<QueryOptions> ParseQueryOptions(const HttpRequest& request, const CollectionSpec& spec);
// Validates the query of a single-entity request: only $select and $expand are allowed.
Result<QueryOptions> ParseEntityQueryOptions(const HttpRequest& request,
                                             const CollectionSpec& spec);

// "<base_url>/v1.0/$metadata#<path>".
std::string ContextUrl(const HttpRequest& request, std::string_view path);

// Skip tokens: `kind` is "offset" or "seq". Decode fails (InvalidArgument) on anything that was
// not produced by Encode with the same kind, or on a negative number.
std::string EncodeSkipToken(std::string_view kind, int64_t n);
Result<int64_t> DecodeSkipToken(std::string_view token, std::string_view kind);

// The request's URL with $skiptoken replaced by `skiptoken`.
std::string NextLink(const HttpRequest& request, std::string_view skiptoken);

// Keeps only the selected top-level properties (plus "id" and every "@odata.*" annotation and
// every expanded navigation property). No-op when `options.select` is empty.
void ApplySelect(const QueryOptions& options, boost::json::object& item);

// Adds the expanded navigation properties named in `expand` (validated $expand tokens) to one
// item. Called only for the items that are returned.
using ExpandFn =
    std::function<Status(boost::json::object& item, const std::set<std::string>& expand)>;

// The page of an in-memory collection: filters `items`, counts, slices from the offset in the
// skip token, expands and selects the page, and returns the Graph collection object
// {"@odata.context", ["@odata.count"], "value", ["@odata.nextLink"]}.
Result<boost::json::object> BuildPage(const HttpRequest& request, const CollectionSpec& spec,
                                      const QueryOptions& options,
                                      std::vector<boost::json::object> items,
                                      const ExpandFn& expand = {});

// The same, for collections that have already been filtered and paged by the caller.
boost::json::object CollectionObject(const HttpRequest& request, const CollectionSpec& spec,
                                     boost::json::array value, std::optional<int64_t> count,
                                     std::optional<std::string> next_skiptoken);

}  // namespace pim::http
