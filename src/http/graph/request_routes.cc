// roleAssignmentScheduleRequests and roleEligibilityScheduleRequests: GET list, POST (201),
// GET /{id}, POST /{id}/cancel (204), GET filterByCurrentUser(on='principal'|'approver').
#include "core/ids.h"
#include "http/graph/codecs_schedule.h"
#include "http/graph/expand.h"
#include "http/graph/route_families.h"
#include "http/graph/serve.h"

namespace pim::http {
namespace json = boost::json;
namespace {

CollectionSpec MakeRequestsSpec(ScheduleKind kind) {
  return {"roleManagement/directory/" + RequestCollectionName(kind),
          {"id", "principalId", "roleDefinitionId", "directoryScopeId", "status", "action",
           "createdDateTime", "completedDateTime", "targetScheduleId", "approvalId",
           "isValidationOnly", "justification", "createdBy/user/id"},
          KeysOf(RequestToGraph(ScheduleRequest{})),
          {"principal", "roleDefinition"}};
}

// Built once per kind: the specs are immutable.
const CollectionSpec& RequestsSpec(ScheduleKind kind) {
  static const CollectionSpec assignment = MakeRequestsSpec(ScheduleKind::kAssignment);
  static const CollectionSpec eligibility = MakeRequestsSpec(ScheduleKind::kEligibility);
  return kind == ScheduleKind::kAssignment ? assignment : eligibility;
}

// Refuses an expiration instant that has already passed (the codec has no clock).
Status CheckNotPast(const ScheduleRequestInput& input, const Clock& clock) {
  const auto& end = input.schedule_info.end;
  if (end && *end <= clock.Now()) {
    return InvalidArgument("Invalid value for 'scheduleInfo.expiration.endDateTime': " +
                           FormatTimestamp(*end) + " is in the past.");
  }
  return Status::Ok();
}

void RegisterKind(Router& router, PimService& svc, const Clock& clock, ScheduleKind kind) {
  const std::string name = RequestCollectionName(kind);
  const std::string base = "/v1.0/roleManagement/directory/" + name;

  // Registered before /{id} so that routers matching in order prefer it.
  AddBoundOperation(
      router, "GET", base, "filterByCurrentUser(on='{on}')", name + ".filterByCurrentUser",
      WithCaller(svc, [&svc, kind](const HttpRequest& req, const RouteParams& p, const Caller& c) {
        const std::string& on = p.at("on");
        const bool approver = EqualsIgnoreCase(on, "approver");
        if (!approver && !EqualsIgnoreCase(on, "principal")) {
          return GraphError(InvalidArgument("Invalid value '" + on +
                                            "' for 'on'; expected 'principal' or 'approver'."));
        }
        return ServeCollection(
            req, RequestsSpec(kind),
            [&] {
              return EncodeAll(svc.ListRequestsForCurrentUser(c, kind, approver), RequestToGraph);
            },
            ScheduleExpander(svc, c));
      }));
  router.Add("GET", base, name + ".list",
             WithCaller(svc,
                        [&svc, kind](const HttpRequest& req, const RouteParams&, const Caller& c) {
                          return ServeScannedCollection(
                              req, RequestsSpec(kind),
                              [&](uint64_t from, size_t limit, const std::string& principal) {
                                return EncodeChunk(
                                    svc.ScanRequests(c, kind, from, limit, principal),
                                    RequestToGraph);
                              },
                              ScheduleExpander(svc, c));
                        }),
             // Visits every request ever made, chunk by chunk, on a worker: the I/O thread keeps
             // serving meanwhile.
             /*blocking=*/true);
  // Creating and cancelling requests are the hot writes. Their handlers do engine work only (no
  // password hashing, no store reads) and do not wait for the commit (Deferring), so when the
  // engine's lock is free they run on the I/O thread: no hop to a worker and back. When another
  // thread holds it (a long listing, say) they go to a worker, so the I/O thread never waits
  // behind it. The response leaves once the change is durable.
  InlinePredicate when_idle = [&svc] { return !svc.IsBusy(); };
  router.Add("POST", base, name + ".create",
             Deferring(WithCaller(
                 svc,
                 [&svc, &clock, kind](const HttpRequest& req, const RouteParams&, const Caller& c) {
                   Result<ScheduleRequestInput> input = DecodeScheduleRequest(kind, req.body);
                   if (!input.ok()) return GraphError(input.status());
                   Status not_past = CheckNotPast(*input, clock);
                   if (!not_past.ok()) return GraphError(not_past);
                   Result<ScheduleRequest> request = svc.SubmitRequest(c, *input);
                   if (!request.ok()) return GraphError(request.status());
                   return EntityJsonResponse(req, 201, RequestsSpec(kind).context_path + "/$entity",
                                             RequestToGraphJson(*request));
                 })),
             /*blocking=*/true, when_idle);
  router.Add(
      "GET", base + "/{id}", name + ".get",
      WithCaller(svc, [&svc, kind](const HttpRequest& req, const RouteParams& p, const Caller& c) {
        return ServeEntity(
            req, RequestsSpec(kind),
            [&]() -> Result<json::object> {
              ASSIGN_OR_RETURN(ScheduleRequest r, svc.GetRequest(c, kind, p.at("id")));
              return RequestToGraph(r);
            },
            ScheduleExpander(svc, c));
      }));
  AddBoundOperation(
      router, "POST", base + "/{id}", "cancel", name + ".cancel",
      Deferring(WithCaller(svc,
                           [&svc, kind](const HttpRequest&, const RouteParams& p, const Caller& c) {
                             Status st = svc.CancelRequest(c, kind, p.at("id"));
                             return st.ok() ? NoContent() : GraphError(st);
                           })),
      /*blocking=*/true, when_idle);
}

}  // namespace

void RegisterRequestRoutes(Router& router, const GraphContext& context) {
  RegisterKind(router, context.service, context.clock, ScheduleKind::kAssignment);
  RegisterKind(router, context.service, context.clock, ScheduleKind::kEligibility);
}

}  // namespace pim::http
