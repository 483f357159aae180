// role{Assignment,Eligibility}Schedules and role{Assignment,Eligibility}ScheduleInstances:
// GET list, GET /{id}, GET filterByCurrentUser(on='principal').
#include "core/ids.h"
#include "http/graph/codecs_schedule.h"
#include "http/graph/expand.h"
#include "http/graph/route_families.h"
#include "http/graph/serve.h"

namespace pim::http {
namespace json = boost::json;
namespace {

CollectionSpec MakeSchedulesSpec(ScheduleKind kind) {
  Schedule sample;
  sample.kind = kind;
  CollectionSpec spec{
      "roleManagement/directory/" + ScheduleCollectionName(kind),
      {"id", "principalId", "roleDefinitionId", "directoryScopeId", "status", "memberType",
       "createdUsing", "createdDateTime", "modifiedDateTime", "scheduleInfo/startDateTime",
       "scheduleInfo/expiration/endDateTime", "scheduleInfo/expiration/type"},
      KeysOf(ScheduleToGraph(sample)),
      {"principal", "roleDefinition"}};
  if (kind == ScheduleKind::kAssignment) {
    spec.filter_properties.insert({"assignmentType", "activatedUsing/id"});
    spec.expand_properties.insert("activatedUsing");
  }
  return spec;
}

// Built once per kind: the specs are immutable.
const CollectionSpec& SchedulesSpec(ScheduleKind kind) {
  static const CollectionSpec assignment = MakeSchedulesSpec(ScheduleKind::kAssignment);
  static const CollectionSpec eligibility = MakeSchedulesSpec(ScheduleKind::kEligibility);
  return kind == ScheduleKind::kAssignment ? assignment : eligibility;
}

CollectionSpec MakeInstancesSpec(ScheduleKind kind) {
  ScheduleInstance sample;
  sample.schedule.kind = kind;
  CollectionSpec spec{"roleManagement/directory/" + InstanceCollectionName(kind),
                      {"id", "principalId", "roleDefinitionId", "directoryScopeId", "memberType",
                       "startDateTime", "endDateTime"},
                      KeysOf(InstanceToGraph(sample)),
                      {"principal", "roleDefinition"}};
  if (kind == ScheduleKind::kAssignment) {
    spec.filter_properties.insert({"assignmentType", "roleAssignmentOriginId",
                                   "roleAssignmentScheduleId", "activatedUsing/id"});
  } else {
    spec.filter_properties.insert("roleEligibilityScheduleId");
  }
  return spec;
}

// Built once per kind: the specs are immutable.
const CollectionSpec& InstancesSpec(ScheduleKind kind) {
  static const CollectionSpec assignment = MakeInstancesSpec(ScheduleKind::kAssignment);
  static const CollectionSpec eligibility = MakeInstancesSpec(ScheduleKind::kEligibility);
  return kind == ScheduleKind::kAssignment ? assignment : eligibility;
}

Status CheckOnPrincipal(const std::string& on) {
  if (EqualsIgnoreCase(on, "principal")) return Status::Ok();
  return InvalidArgument("Invalid value '" + on + "' for 'on'; expected 'principal'.");
}

// GET base (what the caller may see) and GET base/filterByCurrentUser(on='principal') (their
// own), for schedules and instances alike. `mine(caller)` gives the caller's own Graph objects;
// `scan(caller, from)` one chunk of everything the caller may see.
template <typename MineFn, typename ScanFn_>
void RegisterListRoutes(Router& router, PimService& svc, const std::string& base,
                        const std::string& name, const CollectionSpec& spec, MineFn mine,
                        ScanFn_ scan) {
  AddBoundOperation(
      router, "GET", base, "filterByCurrentUser(on='{on}')", name + ".filterByCurrentUser",
      WithCaller(
          svc, [&svc, &spec, mine](const HttpRequest& req, const RouteParams& p, const Caller& c) {
            Status st = CheckOnPrincipal(p.at("on"));
            if (!st.ok()) return GraphError(st);
            return ServeCollection(
                req, spec, [&] { return mine(c); }, ScheduleExpander(svc, c));
          }));
  // A reader's listing visits the whole organisation's history, chunk by chunk, on a worker, so
  // the I/O thread keeps serving everything else meanwhile. One's own listing reads the
  // per-principal index.
  router.Add(
      "GET", base, name + ".list",
      WithCaller(svc,
                 [&svc, &spec, scan](const HttpRequest& req, const RouteParams&, const Caller& c) {
                   return ServeScannedCollection(
                       req, spec,
                       [&](uint64_t from, size_t limit, const std::string& principal) {
                         return scan(c, from, limit, principal);
                       },
                       ScheduleExpander(svc, c));
                 }),
      /*blocking=*/true);
}

void RegisterSchedules(Router& router, PimService& svc, ScheduleKind kind) {
  const std::string name = ScheduleCollectionName(kind);
  const std::string base = "/v1.0/roleManagement/directory/" + name;
  RegisterListRoutes(
      router, svc, base, name, SchedulesSpec(kind),
      [&svc, kind](const Caller& c) {
        return EncodeAll(svc.ListSchedules(c, kind, true), ScheduleToGraph);
      },
      [&svc, kind](const Caller& c, uint64_t from, size_t limit, const std::string& principal) {
        return EncodeChunk(svc.ScanSchedules(c, kind, from, limit, principal), ScheduleToGraph);
      });
  router.Add(
      "GET", base + "/{id}", name + ".get",
      WithCaller(svc, [&svc, kind](const HttpRequest& req, const RouteParams& p, const Caller& c) {
        return ServeEntity(
            req, SchedulesSpec(kind),
            [&]() -> Result<json::object> {
              ASSIGN_OR_RETURN(Schedule s, svc.GetSchedule(c, kind, p.at("id")));
              return ScheduleToGraph(s);
            },
            ScheduleExpander(svc, c));
      }));
}

void RegisterInstances(Router& router, PimService& svc, ScheduleKind kind) {
  const std::string name = InstanceCollectionName(kind);
  const std::string base = "/v1.0/roleManagement/directory/" + name;
  RegisterListRoutes(
      router, svc, base, name, InstancesSpec(kind),
      [&svc, kind](const Caller& c) {
        return EncodeAll(svc.ListInstances(c, kind, true), InstanceToGraph);
      },
      [&svc, kind](const Caller& c, uint64_t from, size_t limit, const std::string& principal) {
        return EncodeChunk(svc.ScanInstances(c, kind, from, limit, principal), InstanceToGraph);
      });
  router.Add(
      "GET", base + "/{id}", name + ".get",
      WithCaller(svc, [&svc, kind](const HttpRequest& req, const RouteParams& p, const Caller& c) {
        return ServeEntity(
            req, InstancesSpec(kind),
            [&]() -> Result<json::object> {
              ASSIGN_OR_RETURN(ScheduleInstance i, svc.GetInstance(c, kind, p.at("id")));
              return InstanceToGraph(i);
            },
            ScheduleExpander(svc, c));
      }));
}

}  // namespace

void RegisterScheduleRoutes(Router& router, const GraphContext& context) {
  for (ScheduleKind kind : {ScheduleKind::kAssignment, ScheduleKind::kEligibility}) {
    RegisterSchedules(router, context.service, kind);
    RegisterInstances(router, context.service, kind);
  }
}

}  // namespace pim::http
