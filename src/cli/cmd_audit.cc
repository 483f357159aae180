// pim audit list / verify / export.
#include <fstream>
#include <ostream>

#include "cli/cmd_util.h"
#include "cli/commands.h"
#include "cli/format.h"

namespace pim::cli {
namespace {

const std::string kAudits = "/v1.0/auditLogs/directoryAudits";

std::string Initiator(const json::value& a) {
  for (const char* who : {"user", "app"}) {
    const json::value* id = Path(a, {"initiatedBy", who});
    if (id == nullptr || id->is_null()) continue;
    for (const char* field : {"userPrincipalName", "displayName", "id", "servicePrincipalId"}) {
      if (std::string v = Str(*id, field); !v.empty()) return v;
    }
  }
  return "-";
}

std::string Target(const json::value& a) {
  const json::array& targets = Arr(a, "targetResources");
  if (targets.empty()) return "-";
  for (const char* field : {"userPrincipalName", "displayName", "id"}) {
    if (std::string v = Str(targets.front(), field); !v.empty()) return v;
  }
  return "-";
}

}  // namespace

Status AuditList(Context& ctx, int top, const std::string& filter) {
  if (top < 1 || top > 999) return InvalidArgument("--top must be between 1 and 999");
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  QueryParams q = {{"$top", std::to_string(top)}};
  if (!filter.empty()) q.emplace_back("$filter", filter);
  ASSIGN_OR_RETURN(json::value page, session->api().Get(WithQuery(kAudits, q)));
  if (ctx.json) {
    PrintJson(ctx, page);
    return Status::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  for (const json::value& a : Arr(page, "value")) {
    rows.push_back({ShortTime(Str(a, "activityDateTime")), Str(a, "activityDisplayName"),
                    Str(a, "category"), Str(a, "result"), Initiator(a), Target(a),
                    Clip(Str(a, "resultReason"), 40)});
  }
  if (rows.empty()) {
    ctx.out << "No audit records match.\n";
    return Status::Ok();
  }
  ctx.out << RenderTable({"TIME", "ACTIVITY", "CATEGORY", "RESULT", "BY", "TARGET", "REASON"},
                         rows);
  if (!Str(page, "@odata.nextLink").empty()) {
    ctx.out << "(more records: raise --top, narrow --filter, or use 'pim audit export')\n";
  }
  return Status::Ok();
}

Status AuditVerify(Context& ctx) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  ASSIGN_OR_RETURN(json::value report, session->api().Get("/v1.0/pim/audit/verify"));
  const bool ok = Bool(report, "ok");
  const json::value* checked = Member(report, "recordsChecked");
  const std::string count = checked != nullptr ? json::serialize(*checked) : "?";
  if (ctx.json) {
    PrintJson(ctx, report);
  } else if (ok) {
    ctx.out << "Audit log intact: " << count << " records verified";
    if (const json::value* cp = Member(report, "checkpointSeq"); cp != nullptr && !cp->is_null()) {
      ctx.out << " (signed checkpoint at sequence " << json::serialize(*cp) << ")";
    }
    ctx.out << '\n';
  }
  if (ok) return Status::Ok();
  std::string message = "audit log verification FAILED";
  if (std::string problem = Str(report, "problem"); !problem.empty()) message += ": " + problem;
  if (const json::value* seq = Member(report, "firstBadSequence");
      seq != nullptr && !seq->is_null()) {
    message += " at sequence " + json::serialize(*seq);
  }
  if (std::string detail = Str(report, "message"); !detail.empty()) message += " (" + detail + ")";
  return Status(StatusCode::kFailedPrecondition, message);
}

Status AuditExport(Context& ctx, const std::string& output) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  std::ofstream file;
  if (!output.empty()) {
    file.open(output, std::ios::out | std::ios::trunc);
    if (!file) return InvalidArgument("cannot write " + output);
  }
  std::ostream& sink = output.empty() ? ctx.out : file;
  std::string next = WithQuery(kAudits, {{"$top", "999"}});
  size_t count = 0;
  while (!next.empty()) {
    ASSIGN_OR_RETURN(json::value page, session->api().Get(next));
    for (const json::value& record : Arr(page, "value")) {
      sink << json::serialize(record) << '\n';
      ++count;
    }
    std::string link = Str(page, "@odata.nextLink");
    if (link == next) return Status(StatusCode::kUnavailable, "server repeated its nextLink");
    next = std::move(link);
  }
  sink.flush();
  if (!sink) return Internal("write failed" + (output.empty() ? "" : ": " + output));
  if (!output.empty()) ctx.err << "Exported " << count << " audit records to " << output << '\n';
  return Status::Ok();
}

}  // namespace pim::cli
