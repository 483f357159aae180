// pim activate / deactivate / extend, and the MFA step-up shared by request-making commands.
#include <optional>
#include <ostream>
#include <string_view>

#include "cli/cmd_util.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/resolve.h"
#include "core/ids.h"

namespace pim::cli {
namespace {

const std::string kAssignmentRequests = std::string(kDirectory) + "/roleAssignmentScheduleRequests";

json::object BaseRequest(const std::string& action, const std::string& principal,
                         const std::string& role_id, const std::string& scope) {
  return json::object{{"action", action},
                      {"principalId", principal},
                      {"roleDefinitionId", role_id},
                      {"directoryScopeId", scope}};
}

void AddTicket(json::object& body, const std::string& ticket, const std::string& system) {
  if (ticket.empty() && system.empty()) return;
  json::object t;
  if (!ticket.empty()) t["ticketNumber"] = ticket;
  if (!system.empty()) t["ticketSystem"] = system;
  body["ticketInfo"] = std::move(t);
}

// The end of a just-created request: its explicit end, else its start (or `now`) + duration.
Timestamp RequestEnd(const json::value& request, Timestamp now) {
  const Timestamp explicit_end = EndOf(request);
  if (!explicit_end.is_max()) return explicit_end;
  const std::string duration = StrAt(request, {"scheduleInfo", "expiration", "duration"});
  Result<Duration> d = ParseDuration(duration);
  if (!d.ok()) return Timestamp::Max();
  const Timestamp start = InstantOrNever(StrAt(request, {"scheduleInfo", "startDateTime"}));
  // Without a start from the server this is an estimate: shown to the second.
  return start.is_max() ? Timestamp::FromSeconds((now + *d).micros() / 1000000) : start + *d;
}

bool InForce(const json::value& request) {
  const std::string status = Str(request, "status");
  return EqualsIgnoreCase(status, "Granted") || EqualsIgnoreCase(status, "Provisioned") ||
         EqualsIgnoreCase(status, "ScheduleCreated");
}

// "Granted: Global Administrator at / until 2026-11-26 06:21:04Z (1h 0m left)". `end` is when
// the role now ends (Max(): permanent); nullopt leaves it unsaid.
void PrintOutcome(Context& ctx, const json::value& request, const std::string& role_name,
                  const std::string& scope, std::optional<Timestamp> end) {
  const std::string status = Str(request, "status");
  ctx.out << (status.empty() ? "Submitted" : status) << ": " << role_name << " at " << scope;
  const Timestamp now = ctx.clock.Now();
  if (EqualsIgnoreCase(status, "PendingApproval")) {
    ctx.out << "; waiting for approval (approval id " << Str(request, "approvalId") << ")";
  } else if (InForce(request) && end.has_value()) {
    if (end->is_max()) {
      ctx.out << ", permanent";
    } else {
      ctx.out << " until " << FormatTimestamp(*end) << " (" << FormatTimeLeft(*end, now)
              << " left)";
    }
  }
  ctx.out << "\nRequest id: " << Str(request, "id") << '\n';
}

// Whether the session proved MFA recently enough for pimd's default freshness (300 s), with a
// minute to spare for the request on its way. When pimd asks for more, the step-up after its
// refusal still answers it.
bool RecentMfa(const CliConfig& config, Timestamp now) {
  if (config.mfa_time.empty()) return false;
  Result<Timestamp> at = ParseTimestamp(config.mfa_time);
  return at.ok() && *at <= now && now - *at < Duration::Seconds(240);
}

// FailedPrecondition saying what to do when the signed-in user has no verified authenticator,
// which a request for a code could only end in; OK when there is one, or when the authenticators
// cannot be listed (a code is asked for then, as if there were).
Status CheckHasAuthenticator(Session& session) {
  Result<json::array> methods = session.api().GetAll(kOathMethods);
  if (!methods.ok()) return Status::Ok();
  std::string unverified;
  for (const json::value& m : *methods) {
    if (Bool(m, "pimVerified")) return Status::Ok();
    if (unverified.empty()) unverified = Str(m, "id");
  }
  if (!unverified.empty()) {
    return FailedPrecondition(
        "This role requires MFA and your authenticator is not verified yet: complete its "
        "enrollment with 'pim mfa verify " +
        unverified + " --code CODE'");
  }
  return FailedPrecondition(
      "This role requires MFA and you have no authenticator: enroll one first with 'pim mfa "
      "enroll'");
}

}  // namespace

Result<json::value> SubmitRequest(Context& ctx, Session& session, const std::string& collection,
                                  const json::value& body, const std::string& otp) {
  // With a code in hand (--otp, PIM_OTP) and no recent proof of MFA in the session, prove it
  // before the request: a request refused for want of it is audited as a refusal, which an
  // auditor should not have to read before every activation. A recent proof keeps the code
  // unspent: the same code again within its 30 s step would be refused as a replay.
  const std::string code = OtpInHand(ctx, otp);
  if (!code.empty() && !RecentMfa(session.config(), ctx.clock.Now())) {
    RETURN_IF_ERROR(session.api().RefreshWithOtp(code));
    return session.api().Post(collection, body);
  }
  return WithMfaStepUp(
      ctx, session, otp, "This role requires a fresh MFA code.",
      [&] { return session.api().Post(collection, body); },
      [&] { return CheckHasAuthenticator(session); });
}

namespace {

// selfActivate and selfExtend: the same request body, MFA step-up and output.
Status SubmitSelfRequest(Context& ctx, const ActivateOptions& o, const char* action) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  ASSIGN_OR_RETURN(std::string duration, ParseDurationArg(o.duration));
  Directory dir(session->api());
  ASSIGN_OR_RETURN(std::string role_id, dir.RoleId(o.role));
  json::object body = BaseRequest(action, session->config().user_id, role_id, o.scope);
  if (!o.justification.empty()) body["justification"] = o.justification;
  AddTicket(body, o.ticket, o.ticket_system);
  body["scheduleInfo"] =
      json::object{{"expiration", json::object{{"type", "afterDuration"}, {"duration", duration}}}};
  ASSIGN_OR_RETURN(json::value request,
                   SubmitRequest(ctx, *session, kAssignmentRequests, body, o.otp));
  if (ctx.json) {
    PrintJson(ctx, request);
    return Status::Ok();
  }
  std::optional<Timestamp> end;
  if (std::string_view(action) != "selfExtend") {
    end = RequestEnd(request, ctx.clock.Now());
  } else if (const std::string schedule = Str(request, "targetScheduleId");
             InForce(request) && !schedule.empty()) {
    // An extension's duration is added to the activation's end (and capped by the
    // eligibility's): the extended schedule tells where it landed.
    Result<json::value> extended = session->api().Get(
        std::string(kDirectory) + "/roleAssignmentSchedules/" + PathSegment(schedule));
    if (extended.ok()) end = EndOf(*extended);
  }
  PrintOutcome(ctx, request, dir.RoleName(role_id), o.scope, end);
  return Status::Ok();
}

}  // namespace

Status Activate(Context& ctx, const ActivateOptions& o) {
  return SubmitSelfRequest(ctx, o, "selfActivate");
}

Status Deactivate(Context& ctx, const std::string& role, const std::string& scope,
                  const std::string& justification) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  Directory dir(session->api());
  ASSIGN_OR_RETURN(std::string role_id, dir.RoleId(role));
  json::object body = BaseRequest("selfDeactivate", session->config().user_id, role_id, scope);
  if (!justification.empty()) body["justification"] = justification;
  ASSIGN_OR_RETURN(json::value request, session->api().Post(kAssignmentRequests, body));
  if (ctx.json) {
    PrintJson(ctx, request);
  } else {
    ctx.out << "Deactivated " << dir.RoleName(role_id) << " at " << scope << " ("
            << Str(request, "status") << ")\n";
  }
  return Status::Ok();
}

Status Extend(Context& ctx, const ActivateOptions& o) {
  return SubmitSelfRequest(ctx, o, "selfExtend");
}

Status Cancel(Context& ctx, const std::string& request_id) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  const std::string path = kAssignmentRequests + "/" + PathSegment(request_id);
  RETURN_IF_ERROR(session->api().Post(path + "/cancel", json::object{}).status());
  ASSIGN_OR_RETURN(json::value request, session->api().Get(path));
  if (ctx.json) {
    PrintJson(ctx, request);
  } else {
    ctx.out << "Canceled request " << Str(request, "id") << " (" << Str(request, "status") << ")\n";
  }
  return Status::Ok();
}

}  // namespace pim::cli
