// pim approvals / approve / deny: the approver's side of activation requests.
#include <ostream>

#include "cli/cmd_util.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/resolve.h"
#include "core/ids.h"

namespace pim::cli {
namespace {

const std::string kApprovals = std::string(kDirectory) + "/roleAssignmentApprovals/";

// GET the approval for an approval id, or for a request id through the request's approvalId.
Result<json::value> FindApproval(ApiClient& api, const std::string& id) {
  Result<json::value> approval = api.Get(kApprovals + PathSegment(id));
  if (approval.ok() || approval.status().code() != StatusCode::kNotFound) return approval;
  Result<json::value> request =
      api.Get(std::string(kDirectory) + "/roleAssignmentScheduleRequests/" + PathSegment(id));
  if (!request.ok()) {
    if (request.status().code() == StatusCode::kNotFound) {
      return NotFound("no approval or request with id " + id);
    }
    return request.status();
  }
  const std::string approval_id = Str(*request, "approvalId");
  if (approval_id.empty()) {
    return FailedPrecondition("request " + id + " has no approval (status " +
                              Str(*request, "status") + ")");
  }
  return api.Get(kApprovals + PathSegment(approval_id));
}

}  // namespace

Status Approvals(Context& ctx) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  ApiClient& api = session->api();
  ASSIGN_OR_RETURN(json::array all,
                   api.GetAll(std::string(kDirectory) + "/roleAssignmentScheduleRequests/"
                                                        "filterByCurrentUser(on='approver')"));
  json::array pending;
  for (const json::value& r : all) {
    if (EqualsIgnoreCase(Str(r, "status"), "PendingApproval")) pending.push_back(r);
  }
  if (ctx.json) {
    PrintJson(ctx, pending);
    return Status::Ok();
  }
  if (pending.empty()) {
    ctx.out << "No requests are waiting for your approval.\n";
    return Status::Ok();
  }
  Directory dir(api);
  std::vector<std::vector<std::string>> rows;
  for (const json::value& r : pending) {
    rows.push_back({Str(r, "id"), dir.PrincipalName(Str(r, "principalId")),
                    dir.RoleName(Str(r, "roleDefinitionId")), Str(r, "directoryScopeId"),
                    StrAt(r, {"scheduleInfo", "expiration", "duration"}),
                    StrAt(r, {"ticketInfo", "ticketNumber"}), Clip(Str(r, "justification"), 50),
                    ShortTime(Str(r, "createdDateTime"))});
  }
  ctx.out << RenderTable(
      {"REQUEST", "REQUESTER", "ROLE", "SCOPE", "DURATION", "TICKET", "JUSTIFICATION", "CREATED"},
      rows);
  return Status::Ok();
}

Status Review(Context& ctx, const std::string& id, bool approve, const std::string& reason) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  ApiClient& api = session->api();
  ASSIGN_OR_RETURN(json::value approval, FindApproval(api, id));
  const std::string approval_id = Str(approval, "id");
  const json::value* step = nullptr;
  for (const json::value& s : Arr(approval, "steps")) {
    if (Bool(s, "assignedToMe") && EqualsIgnoreCase(Str(s, "status"), "InProgress")) {
      step = &s;
      break;
    }
  }
  if (step == nullptr) {
    return FailedPrecondition("approval " + approval_id + " has no step waiting for your review");
  }
  const std::string step_id = Str(*step, "id");
  json::object body{{"reviewResult", approve ? "Approve" : "Deny"}, {"justification", reason}};
  RETURN_IF_ERROR(
      api.Patch(kApprovals + PathSegment(approval_id) + "/steps/" + PathSegment(step_id), body)
          .status());
  if (ctx.json) {
    ASSIGN_OR_RETURN(json::value after, api.Get(kApprovals + PathSegment(approval_id)));
    PrintJson(ctx, after);
  } else {
    ctx.out << (approve ? "Approved" : "Denied") << " step '" << Str(*step, "displayName")
            << "' of approval " << approval_id << '\n';
  }
  return Status::Ok();
}

}  // namespace pim::cli
