// /v1.0/auditLogs/directoryAudits (newest first, $filter, paging by audit sequence number),
// /v1.0/auditLogs/directoryAudits/{id}, and pim's GET and POST /v1.0/pim/audit/verify and GET
// /v1.0/pim/audit/checkpoint, and GET /v1.0/pim/audit/records (the sealed records, oldest first,
// for checking away from the server).
//
// The audit log is read straight from the Store (it can be far larger than memory) after
// PimService::CheckCanReadAudit. One record is found by id through Store::FindAuditRecord. A page
// scans ReadAuditDescending in chunks, applying $filter, until it holds $top records; it then
// looks a bounded distance further for one more match to decide whether to emit
// @odata.nextLink ($skiptoken = the sequence number of the page's last record). Past the bound
// the link is emitted anyway, so a following page may be empty.
#include <boost/json/array.hpp>
#include <limits>

#include "core/ids.h"
#include "http/graph/codecs_audit.h"
#include "http/graph/route_families.h"
#include "http/graph/serve.h"

namespace pim::http {
namespace json = boost::json;
namespace {

constexpr int kChunk = 256;
constexpr int64_t kLookaheadBudget = 4096;  // records scanned past a full page

// Built once: the spec is immutable.
const CollectionSpec& AuditsSpec() {
  static const CollectionSpec spec{
      "auditLogs/directoryAudits",
      {"id", "activityDateTime", "activityDisplayName", "category", "correlationId", "result",
       "operationType", "loggedByService", "initiatedBy/user/id",
       "initiatedBy/user/userPrincipalName", "initiatedBy/app/servicePrincipalId"},
      {"id", "category", "correlationId", "result", "resultReason", "activityDisplayName",
       "activityDateTime", "loggedByService", "operationType", "initiatedBy", "targetResources",
       "additionalDetails"},
      {}};
  return spec;
}

// Calls `visit(record)` for the stored records with seq < before (0 = all), newest first, until
// it returns false or the log ends.
template <typename Visit>
Status ScanRecordsDescending(Store& store, int64_t before, Visit visit) {
  while (true) {
    ASSIGN_OR_RETURN(std::vector<SealedAuditRecord> chunk,
                     store.ReadAuditDescending(before, kChunk));
    for (const SealedAuditRecord& record : chunk) {
      if (!visit(record)) return Status::Ok();
      before = record.seq;
    }
    if (static_cast<int>(chunk.size()) < kChunk || before <= 1) return Status::Ok();
  }
}

// The same, each record decoded to its Graph object: `visit(seq, object)`.
template <typename Visit>
Status ScanDescending(Store& store, int64_t before, Visit visit) {
  Status decoded;
  RETURN_IF_ERROR(ScanRecordsDescending(store, before, [&](const SealedAuditRecord& record) {
    Result<json::object> object = DirectoryAuditFromRecord(record);
    if (!object.ok()) {
      decoded = object.status();
      return false;
    }
    return visit(record.seq, std::move(object).value());
  }));
  return decoded;
}

// The directoryAudit with id `id` (exactly, as stored) and seq < before (0 = any), decoded from
// its signed text; nullopt when there is none. The id column is not hashed: a record whose signed
// text names another id is not the one asked for.
Result<std::optional<json::object>> FindDirectoryAudit(Store& store, const std::string& id,
                                                       int64_t before) {
  ASSIGN_OR_RETURN(std::optional<SealedAuditRecord> record, store.FindAuditRecord(id));
  if (!record || (before != 0 && record->seq >= before)) return std::optional<json::object>();
  ASSIGN_OR_RETURN(json::object object, DirectoryAuditFromRecord(*record));
  const json::value* signed_id = object.if_contains("id");
  if (signed_id == nullptr || !signed_id->is_string() || signed_id->get_string() != id) {
    return std::optional<json::object>();
  }
  return std::optional<json::object>(std::move(object));
}

// A page for a filter that names one record (`id eq '...'`, alone or and-ed with more): found
// by id instead of by reading the log. Ids are lowercase GUIDs and the filter compares strings
// case-insensitively, so the literal is lowercased.
Result<json::object> AuditPageOfId(Store& store, const HttpRequest& request,
                                   const QueryOptions& options, const std::string& id,
                                   int64_t before) {
  ASSIGN_OR_RETURN(std::optional<json::object> found,
                   FindDirectoryAudit(store, ToLower(id), before));
  json::array value;
  const bool matches = found && options.filter.Matches(*found);
  if (matches && options.top > 0) {
    ApplySelect(options, *found);
    value.emplace_back(std::move(*found));
  }
  std::optional<int64_t> count;
  if (options.count) count = matches ? 1 : 0;
  return CollectionObject(request, AuditsSpec(), std::move(value), count, std::nullopt);
}

Result<json::object> AuditPage(Store& store, const HttpRequest& request,
                               const QueryOptions& options) {
  int64_t before = 0;
  if (options.skiptoken) {
    ASSIGN_OR_RETURN(before, DecodeSkipToken(*options.skiptoken, "seq"));
    if (before < 1) return InvalidArgument("Invalid value for query option '$skiptoken'.");
  }
  if (options.has_filter) {
    const std::string id = options.filter.EqualityValue("id");
    if (!id.empty()) return AuditPageOfId(store, request, options, id, before);
  }
  json::array value;
  int64_t last_seq = 0;
  int64_t scanned_past_page = 0;
  bool more = false;
  RETURN_IF_ERROR(ScanDescending(store, before, [&](int64_t seq, json::object object) {
    const bool full = static_cast<int>(value.size()) >= options.top;
    if (full && ++scanned_past_page > kLookaheadBudget) {
      more = true;
      return false;
    }
    if (options.has_filter && !options.filter.Matches(object)) return true;
    if (full) {
      more = true;
      return false;
    }
    ApplySelect(options, object);
    value.emplace_back(std::move(object));
    last_seq = seq;
    return true;
  }));
  std::optional<int64_t> count;
  if (options.count) {
    int64_t n = 0;
    if (options.has_filter) {
      RETURN_IF_ERROR(ScanDescending(store, 0, [&](int64_t, json::object object) {
        if (options.filter.Matches(object)) ++n;
        return true;
      }));
    } else {
      // seq runs 1, 2, 3, ... without gaps (store.h): the newest record's is the count.
      ASSIGN_OR_RETURN(std::vector<SealedAuditRecord> newest, store.ReadAuditDescending(0, 1));
      n = newest.empty() ? 0 : newest.front().seq;
    }
    count = n;
  }
  std::optional<std::string> next;
  if (more) next = EncodeSkipToken("seq", last_seq);
  return CollectionObject(request, AuditsSpec(), std::move(value), count, next);
}

// GET /v1.0/pim/audit/records: the sealed records, oldest first ($top, $skiptoken, $count).
const CollectionSpec& SealedRecordsSpec() {
  static const CollectionSpec spec{"pim/audit/records", {}, {}, {}};
  return spec;
}

Result<json::object> SealedRecordsPage(Store& store, const HttpRequest& request,
                                       const QueryOptions& options) {
  int64_t after = 0;  // the last record of the previous page
  if (options.skiptoken) {
    ASSIGN_OR_RETURN(after, DecodeSkipToken(*options.skiptoken, "seq"));
  }
  std::vector<SealedAuditRecord> records;
  if (after < std::numeric_limits<int64_t>::max()) {  // a token past every record: an empty page
    ASSIGN_OR_RETURN(records, store.ReadAuditAscending(after + 1, options.top + 1));
  }
  const bool more = static_cast<int>(records.size()) > options.top;
  if (more) records.resize(static_cast<size_t>(options.top));
  json::array value;
  for (const SealedAuditRecord& record : records) value.emplace_back(SealedRecordToJson(record));
  std::optional<int64_t> count;
  if (options.count) {
    ASSIGN_OR_RETURN(std::vector<SealedAuditRecord> newest, store.ReadAuditDescending(0, 1));
    count = newest.empty() ? 0 : newest.front().seq;
  }
  std::optional<std::string> next;
  if (more) next = EncodeSkipToken("seq", records.back().seq);
  return CollectionObject(request, SealedRecordsSpec(), std::move(value), count, next);
}

HttpResponse VerifyResponse(const HttpRequest& req, const Result<AuditVerifyReport>& report) {
  if (!report.ok()) return GraphError(report.status());
  return EntityResponse(req, 200, "pim.auditVerifyReport", AuditVerifyReportToJson(*report));
}

}  // namespace

void RegisterAuditRoutes(Router& router, const GraphContext& ctx) {
  PimService& svc = ctx.service;
  Store& store = ctx.store;
  const std::string base = "/v1.0/auditLogs/directoryAudits";
  // Reads from the database: run on the worker pool.
  router.Add(
      "GET", base, "directoryAudits.list",
      WithCaller(svc,
                 [&svc, &store](const HttpRequest& req, const RouteParams&, const Caller& c) {
                   Result<QueryOptions> options = ParseQueryOptions(req, AuditsSpec());
                   if (!options.ok()) return GraphError(options.status());
                   Status allowed = svc.CheckCanReadAudit(c);
                   if (!allowed.ok()) return GraphError(allowed);
                   Result<json::object> page = AuditPage(store, req, *options);
                   return page.ok() ? ObjectResponse(200, *page) : GraphError(page.status());
                 }),
      /*blocking=*/true);
  router.Add(
      "GET", base + "/{id}", "directoryAudits.get",
      WithCaller(svc,
                 [&svc, &store](const HttpRequest& req, const RouteParams& p, const Caller& c) {
                   return ServeEntity(req, AuditsSpec(), [&]() -> Result<json::object> {
                     RETURN_IF_ERROR(svc.CheckCanReadAudit(c));
                     const std::string& id = p.at("id");
                     ASSIGN_OR_RETURN(std::optional<json::object> found,
                                      FindDirectoryAudit(store, id, /*before=*/0));
                     if (!found) return NotFound("No directoryAudit with id '" + id + "'.");
                     return std::move(*found);
                   });
                 }),
      /*blocking=*/true);
  // The log as hashed, for checking away from the server (`pim audit export --sealed`).
  router.Add(
      "GET", "/v1.0/pim/audit/records", "pim.audit.records",
      WithCaller(svc,
                 [&svc, &store](const HttpRequest& req, const RouteParams&, const Caller& c) {
                   Result<QueryOptions> options = ParseQueryOptions(req, SealedRecordsSpec());
                   if (!options.ok()) return GraphError(options.status());
                   Status allowed = svc.CheckCanReadAudit(c);
                   if (!allowed.ok()) return GraphError(allowed);
                   Result<json::object> page = SealedRecordsPage(store, req, *options);
                   return page.ok() ? ObjectResponse(200, *page) : GraphError(page.status());
                 }),
      /*blocking=*/true);
  router.Add("GET", "/v1.0/pim/audit/verify", "pim.audit.verify",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
                          return VerifyResponse(req, svc.VerifyAuditLog(c));
                        }),
             /*blocking=*/true);
  // The same, also against checkpoints the caller kept off the host (docs/AUDIT.md).
  router.Add("POST", "/v1.0/pim/audit/verify", "pim.audit.verifyAgainst",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
                          Status allowed = svc.CheckCanReadAudit(c);
                          if (!allowed.ok()) return GraphError(allowed);
                          Result<std::vector<AuditCheckpoint>> witnessed =
                              DecodeWitnessedCheckpoints(req.body);
                          if (!witnessed.ok()) return GraphError(witnessed.status());
                          return VerifyResponse(req, svc.VerifyAuditLog(c, *witnessed));
                        }),
             /*blocking=*/true);
  router.Add("GET", "/v1.0/pim/audit/checkpoint", "pim.audit.checkpoint",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams&, const Caller& c) {
                          Result<std::optional<AuditCheckpoint>> latest =
                              svc.LatestAuditCheckpoint(c);
                          if (!latest.ok()) return GraphError(latest.status());
                          if (!*latest) {
                            return GraphError(NotFound("The audit log has no checkpoint yet."));
                          }
                          json::object out = CheckpointToGraph(**latest);
                          out["publicKey"] = svc.AuditPublicKeyPem();
                          return EntityResponse(req, 200, "pim.auditCheckpoint", out);
                        }),
             /*blocking=*/true);
}

}  // namespace pim::http
