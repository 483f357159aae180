// pim admin assign / remove: eligibility and active assignments made by administrators.
#include <ostream>

#include "cli/cmd_util.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/resolve.h"

namespace pim::cli {
namespace {

std::string Collection(bool active) {
  return std::string(kDirectory) +
         (active ? "/roleAssignmentScheduleRequests" : "/roleEligibilityScheduleRequests");
}

Result<json::object> AdminBody(const std::string& action, Directory& dir, const AssignOptions& o,
                               std::string* role_id) {
  ASSIGN_OR_RETURN(std::string principal, dir.UserId(o.user));
  ASSIGN_OR_RETURN(*role_id, dir.RoleId(o.role));
  json::object body{{"action", action},
                    {"principalId", principal},
                    {"roleDefinitionId", *role_id},
                    {"directoryScopeId", o.scope}};
  if (!o.justification.empty()) body["justification"] = o.justification;
  if (!o.ticket.empty() || !o.ticket_system.empty()) {
    body["ticketInfo"] =
        json::object{{"ticketNumber", o.ticket}, {"ticketSystem", o.ticket_system}};
  }
  return body;
}

}  // namespace

Status AdminAssign(Context& ctx, const AssignOptions& o) {
  if (o.permanent == !o.duration.empty()) {
    return InvalidArgument("give exactly one of --duration or --permanent");
  }
  json::object expiration{{"type", "noExpiration"}};
  if (!o.permanent) {
    ASSIGN_OR_RETURN(std::string duration, ParseDurationArg(o.duration));
    expiration = json::object{{"type", "afterDuration"}, {"duration", duration}};
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  Directory dir(session->api());
  std::string role_id;
  ASSIGN_OR_RETURN(json::object body, AdminBody("adminAssign", dir, o, &role_id));
  body["scheduleInfo"] = json::object{{"expiration", std::move(expiration)}};
  ASSIGN_OR_RETURN(json::value request,
                   SubmitRequest(ctx, *session, Collection(o.active), body, o.otp));
  if (ctx.json) {
    PrintJson(ctx, request);
    return Status::Ok();
  }
  ctx.out << Str(request, "status") << ": " << o.user
          << (o.active ? " holds " : " is eligible for ") << dir.RoleName(role_id) << " at "
          << o.scope;
  const Timestamp end = EndOf(request);
  if (o.permanent) {
    ctx.out << ", permanently";
  } else if (!end.is_max()) {
    ctx.out << " until " << FormatTimestamp(end);
  } else {
    ctx.out << " for " << StrAt(request, {"scheduleInfo", "expiration", "duration"});
  }
  ctx.out << "\nRequest id: " << Str(request, "id") << '\n';
  return Status::Ok();
}

Status AdminRemove(Context& ctx, const AssignOptions& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  Directory dir(session->api());
  std::string role_id;
  ASSIGN_OR_RETURN(json::object body, AdminBody("adminRemove", dir, o, &role_id));
  ASSIGN_OR_RETURN(json::value request,
                   SubmitRequest(ctx, *session, Collection(o.active), body, o.otp));
  if (ctx.json) {
    PrintJson(ctx, request);
  } else {
    ctx.out << Str(request, "status") << ": removed "
            << (o.active ? "assignment of " : "eligibility of ") << o.user << " for "
            << dir.RoleName(role_id) << " at " << o.scope << '\n';
  }
  return Status::Ok();
}

}  // namespace pim::cli
