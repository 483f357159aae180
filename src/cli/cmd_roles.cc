// pim roles / pim requests: what the signed-in user holds and has asked for.
#include <ostream>

#include "cli/cmd_util.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/resolve.h"
#include "core/ids.h"

namespace pim::cli {
namespace {

const std::string kMine = "/filterByCurrentUser(on='principal')";

std::string State(const json::value& instance, bool eligible) {
  if (eligible) return "eligible";
  const std::string type = Str(instance, "assignmentType");
  if (EqualsIgnoreCase(type, "Activated")) return "active";
  if (EqualsIgnoreCase(type, "Assigned")) return "active (assigned)";
  return type.empty() ? "active" : "active (" + ToLower(type) + ")";
}

}  // namespace

Status Roles(Context& ctx) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  ApiClient& api = session->api();
  const std::string base(kDirectory);
  ASSIGN_OR_RETURN(json::array eligible,
                   api.GetAll(base + "/roleEligibilityScheduleInstances" + kMine));
  ASSIGN_OR_RETURN(json::array active,
                   api.GetAll(base + "/roleAssignmentScheduleInstances" + kMine));
  if (ctx.json) {
    PrintJson(ctx, json::object{{"eligible", eligible}, {"active", active}});
    return Status::Ok();
  }
  if (eligible.empty() && active.empty()) {
    ctx.out << "You have no eligible or active roles.\n";
    return Status::Ok();
  }
  Directory dir(api);
  const Timestamp now = ctx.clock.Now();
  std::vector<std::vector<std::string>> rows;
  auto add = [&](const json::array& list, bool is_eligible) {
    for (const json::value& inst : list) {
      const Timestamp end = EndOf(inst);
      rows.push_back({dir.RoleName(Str(inst, "roleDefinitionId")), Str(inst, "directoryScopeId"),
                      State(inst, is_eligible),
                      end.is_max() ? "-" : ShortTime(FormatTimestamp(end)),
                      FormatTimeLeft(end, now)});
    }
  };
  add(active, false);
  add(eligible, true);
  ctx.out << RenderTable({"ROLE", "SCOPE", "STATE", "ENDS", "LEFT"}, rows);
  return Status::Ok();
}

Status Requests(Context& ctx) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  ApiClient& api = session->api();
  ASSIGN_OR_RETURN(json::array requests,
                   api.GetAll(std::string(kDirectory) + "/roleAssignmentScheduleRequests" + kMine));
  if (ctx.json) {
    PrintJson(ctx, requests);
    return Status::Ok();
  }
  if (requests.empty()) {
    ctx.out << "You have made no requests.\n";
    return Status::Ok();
  }
  Directory dir(api);
  std::vector<std::vector<std::string>> rows;
  for (const json::value& r : requests) {
    rows.push_back({ShortTime(Str(r, "createdDateTime")), Str(r, "action"),
                    dir.RoleName(Str(r, "roleDefinitionId")), Str(r, "directoryScopeId"),
                    Str(r, "status"), Clip(Str(r, "justification"), 40), Str(r, "id")});
  }
  ctx.out << RenderTable({"CREATED", "ACTION", "ROLE", "SCOPE", "STATUS", "JUSTIFICATION", "ID"},
                         rows);
  return Status::Ok();
}

}  // namespace pim::cli
