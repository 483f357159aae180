// roleManagement/directory/roleAssignmentApprovals/{id} (with steps), /{id}/steps,
// /{id}/steps/{stepId} (GET, PATCH -> 204). Graph beta's approval shape served under /v1.0.
#include <boost/json/array.hpp>

#include "core/ids.h"
#include "http/graph/codecs_approval.h"
#include "http/graph/route_families.h"
#include "http/graph/serve.h"

namespace pim::http {
namespace json = boost::json;
namespace {

constexpr const char* kBase = "/v1.0/roleManagement/directory/roleAssignmentApprovals";

DisplayNameFn DisplayNames(const PimService& svc, const Caller& c) {
  return [&svc, &c](const std::string& id) {
    Result<Principal> p = svc.GetPrincipal(c, id);
    return p.ok() ? p->display_name : std::string();
  };
}

std::vector<json::object> Steps(const PimService& svc, const Caller& c, const Approval& approval) {
  std::vector<json::object> out;
  for (const ApprovalStep& step : approval.steps) {
    out.push_back(
        StepToGraph(step, svc.IsAssignedApprover(c, approval, step), DisplayNames(svc, c)));
  }
  return out;
}

// Built once: the spec is immutable.
const CollectionSpec& ApprovalSpec() {
  static const CollectionSpec spec{
      "roleManagement/directory/roleAssignmentApprovals", {}, {"id", "steps"}, {"steps"}};
  return spec;
}

CollectionSpec StepsSpec(const std::string& approval_id) {
  static const std::set<std::string> keys = KeysOf(StepToGraph(ApprovalStep{}, false, {}));
  return {"roleManagement/directory/roleAssignmentApprovals('" + approval_id + "')/steps",
          {"id", "status", "reviewResult", "assignedToMe"},
          keys,
          {}};
}

}  // namespace

void RegisterApprovalRoutes(Router& router, const GraphContext& ctx) {
  PimService& svc = ctx.service;
  const std::string base = kBase;
  router.Add("GET", base + "/{id}", "roleAssignmentApprovals.get",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
               return ServeEntity(req, ApprovalSpec(), [&]() -> Result<json::object> {
                 ASSIGN_OR_RETURN(Approval a, svc.GetApproval(c, p.at("id")));
                 json::array steps;
                 for (json::object& s : Steps(svc, c, a)) steps.emplace_back(std::move(s));
                 return json::object{{"id", a.id}, {"steps", std::move(steps)}};
               });
             }));
  router.Add("GET", base + "/{id}/steps", "roleAssignmentApprovals.steps.list",
             WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
               return ServeCollection(req, StepsSpec(p.at("id")), [&]() -> ItemsFn::result_type {
                 ASSIGN_OR_RETURN(Approval a, svc.GetApproval(c, p.at("id")));
                 return Steps(svc, c, a);
               });
             }));
  router.Add(
      "GET", base + "/{id}/steps/{stepId}", "roleAssignmentApprovals.steps.get",
      WithCaller(svc, [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
        return ServeEntity(req, StepsSpec(p.at("id")), [&]() -> Result<json::object> {
          ASSIGN_OR_RETURN(Approval a, svc.GetApproval(c, p.at("id")));
          for (const ApprovalStep& step : a.steps) {
            if (EqualsIgnoreCase(step.id, p.at("stepId"))) {
              return StepToGraph(step, svc.IsAssignedApprover(c, a, step), DisplayNames(svc, c));
            }
          }
          return NotFound("No step '" + p.at("stepId") + "' in approval '" + p.at("id") + "'.");
        });
      }));
  router.Add("PATCH", base + "/{id}/steps/{stepId}", "roleAssignmentApprovals.steps.update",
             WithCaller(svc,
                        [&svc](const HttpRequest& req, const RouteParams& p, const Caller& c) {
                          Result<StepReview> review = DecodeStepReview(req.body);
                          if (!review.ok()) return GraphError(review.status());
                          Status st =
                              svc.ReviewApprovalStep(c, p.at("id"), p.at("stepId"),
                                                     review->review_result, review->justification);
                          return st.ok() ? NoContent() : GraphError(st);
                        }),
             /*blocking=*/true);
}

}  // namespace pim::http
