// pim audit list / verify / export / checkpoint / public-key.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>

#include "audit/audit.h"
#include "cli/cmd_util.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "core/ids.h"

namespace pim::cli {
namespace {

const std::string kAudits = "/v1.0/auditLogs/directoryAudits";
const std::string kCheckpoint = "/v1.0/pim/audit/checkpoint";
const std::string kSealedRecords = "/v1.0/pim/audit/records";
constexpr size_t kMaxCheckpointsSent = 100;  // the server's limit per request

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return InvalidArgument("cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The checkpoint file's text (docs/AUDIT.md) for a checkpoint as the API serves it.
std::string CheckpointText(const json::value& c) {
  const json::value* seq = Member(c, "seq");
  Result<Timestamp> time = ParseTimestamp(Str(c, "time"));
  return "pim-audit-checkpoint-v1\nseq=" + (seq ? json::serialize(*seq) : std::string("?")) +
         "\nhead_hash=" + Str(c, "headHash") +
         "\ntime_us=" + (time.ok() ? std::to_string(time->micros()) : std::string("?")) +
         "\nsignature=" + Str(c, "signature") + "\n";
}

// The checkpoints in `text`: blocks in the checkpoint file's format (pimd's own file, or 'pim
// audit checkpoint' output, appended any number of times) or JSON objects, one per line ('pim
// audit checkpoint --json').
Result<std::vector<json::object>> ParseCheckpoints(const std::string& text,
                                                   const std::string& name) {
  std::vector<json::object> out;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  json::object* block = nullptr;
  auto bad = [&](const std::string& why) {
    return InvalidArgument(name + ":" + std::to_string(number) + ": " + why);
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    if (line.front() == '{') {
      Result<json::value> v = ParseJson(line);
      if (!v.ok() || !v->is_object()) return bad("not a JSON object");
      json::object c;
      for (const char* key : {"seq", "headHash", "time", "signature"}) {
        if (const json::value* m = Member(*v, key)) c[key] = *m;
      }
      out.push_back(std::move(c));
      block = nullptr;
      continue;
    }
    if (line == "pim-audit-checkpoint-v1") {
      block = &out.emplace_back();
      continue;
    }
    const size_t eq = line.find('=');
    if (block == nullptr || eq == std::string::npos) {
      return bad("expected a checkpoint ('pim-audit-checkpoint-v1' then key=value lines)");
    }
    const std::string key = line.substr(0, eq);
    const std::string value = line.substr(eq + 1);
    if (key == "seq" || key == "time_us") {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size())
        return bad(key + " is not a number");
      if (key == "seq") {
        (*block)["seq"] = n;
      } else {
        (*block)["time"] = FormatTimestamp(Timestamp::FromMicros(n));
      }
    } else if (key == "head_hash") {
      (*block)["headHash"] = value;
    } else if (key == "signature") {
      (*block)["signature"] = value;
    } else {
      return bad("unknown key '" + key + "'");
    }
  }
  if (out.empty()) return InvalidArgument(name + " holds no audit checkpoint");
  return out;
}

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

namespace {

// The checkpoints kept in `paths`, as the API's JSON objects.
Result<std::vector<json::object>> ReadKeptCheckpoints(const std::vector<std::string>& paths) {
  std::vector<json::object> kept;
  for (const std::string& path : paths) {
    ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
    ASSIGN_OR_RETURN(std::vector<json::object> found, ParseCheckpoints(text, path));
    for (json::object& c : found) kept.push_back(std::move(c));
  }
  return kept;
}

// Prints a verify report (AuditVerifyReportToJson's shape, from the server or from here) and
// turns a failed one into the command's error.
Status ReportVerify(Context& ctx, const json::value& report, const std::string& what, size_t kept) {
  const bool ok = Bool(report, "ok");
  const json::value* checked = Member(report, "recordsChecked");
  const std::string count = checked != nullptr ? json::serialize(*checked) : "?";
  if (ctx.json) {
    PrintJson(ctx, report);
  } else if (ok) {
    ctx.out << what << " intact: " << count << " records verified";
    if (const json::value* cp = Member(report, "checkpointSeq"); cp != nullptr && !cp->is_null()) {
      ctx.out << " (signed checkpoint at sequence " << json::serialize(*cp) << ")";
    }
    if (kept > 0) ctx.out << ", and it matches the " << kept << " checkpoint(s) given";
    ctx.out << '\n';
  }
  if (ok) return Status::Ok();
  std::string message = ToLower(what) + " verification FAILED";
  if (std::string problem = Str(report, "problem"); !problem.empty()) message += ": " + problem;
  if (const json::value* seq = Member(report, "firstBadSequence");
      seq != nullptr && !seq->is_null()) {
    message += " at sequence " + json::serialize(*seq);
  }
  if (std::string detail = Str(report, "message"); !detail.empty()) message += " (" + detail + ")";
  return Status(StatusCode::kFailedPrecondition, message);
}

// 'pim audit verify --offline': the sealed export checked here, trusting only the public key and
// the checkpoints kept.
Status VerifyOffline(Context& ctx, const AuditVerifyOptions& o,
                     const std::vector<json::object>& kept_json) {
  if (kept_json.empty()) {
    return InvalidArgument(
        "--offline needs at least one --checkpoint kept off the host: without one, a chain "
        "rehashed from its first record would verify as well");
  }
  std::vector<pim::AuditCheckpoint> kept;
  for (const json::object& c : kept_json) {
    const json::value* seq = c.if_contains("seq");
    Result<Timestamp> time = ParseTimestamp(Str(c, "time"));
    if (seq == nullptr || !seq->is_int64() || !time.ok() || Str(c, "headHash").empty() ||
        Str(c, "signature").empty()) {
      return InvalidArgument("a checkpoint given lacks its seq, headHash, time or signature");
    }
    kept.push_back({seq->get_int64(), Str(c, "headHash"), *time, Str(c, "signature")});
  }
  ASSIGN_OR_RETURN(std::string pem, ReadWholeFile(o.public_key_file));
  Result<pim::AuditPublicKey> key = pim::AuditPublicKey::FromPem(pem);
  if (!key.ok()) return InvalidArgument(o.public_key_file + ": " + key.status().message());
  std::ifstream records(o.offline_file, std::ios::binary);
  if (!records) return InvalidArgument("cannot read " + o.offline_file);
  Result<AuditVerifyReport> report = VerifyExportedAudit(records, *key, kept);
  if (!report.ok()) return InvalidArgument(o.offline_file + ": " + report.status().message());
  RETURN_IF_ERROR(ReportVerify(ctx, AuditVerifyReportToJson(*report), "Audit export", kept.size()));
  if (!ctx.json && report->checkpoint_seq < report->records_checked) {
    ctx.err << "Records " << report->checkpoint_seq + 1 << " to " << report->records_checked
            << " are chained but not yet covered by a checkpoint kept off the host.\n";
  }
  return Status::Ok();
}

}  // namespace

Status AuditVerify(Context& ctx, const AuditVerifyOptions& o) {
  ASSIGN_OR_RETURN(std::vector<json::object> kept, ReadKeptCheckpoints(o.checkpoint_files));
  if (!o.offline_file.empty()) return VerifyOffline(ctx, o, kept);
  if (kept.size() > kMaxCheckpointsSent) {
    // The newest ones: a sound log up to a checkpoint is sound up to every earlier one of it.
    auto seq = [](const json::object& c) {
      const json::value* v = c.if_contains("seq");
      return v && v->is_int64() ? v->get_int64() : 0;
    };
    std::sort(kept.begin(), kept.end(),
              [&](const json::object& a, const json::object& b) { return seq(a) > seq(b); });
    kept.resize(kMaxCheckpointsSent);
    if (!ctx.json) {
      ctx.err << "Checking the " << kMaxCheckpointsSent << " newest of the checkpoints given.\n";
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  const size_t count = kept.size();
  json::array sent;
  for (json::object& c : kept) sent.push_back(std::move(c));
  ASSIGN_OR_RETURN(json::value report,
                   count > 0 ? session->api().Post("/v1.0/pim/audit/verify",
                                                   json::object{{"checkpoints", std::move(sent)}})
                             : session->api().Get("/v1.0/pim/audit/verify"));
  return ReportVerify(ctx, report, "Audit log", count);
}

Status AuditExport(Context& ctx, const std::string& output, bool sealed) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  std::ofstream file;
  if (!output.empty()) {
    // The log names people, their justifications and tickets: readable by the owner only, as
    // the config file is (a file there before is made so too).
    const int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0) {
      if (fd >= 0) ::close(fd);
      return InvalidArgument("cannot write " + output + ": " + std::strerror(errno));
    }
    ::close(fd);
    file.open(output, std::ios::out | std::ios::trunc);
    if (!file) return InvalidArgument("cannot write " + output);
  }
  std::ostream& sink = output.empty() ? ctx.out : file;
  std::string next = WithQuery(sealed ? kSealedRecords : kAudits, {{"$top", "999"}});
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

Status AuditPublicKey(Context& ctx, const std::string& output) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  ASSIGN_OR_RETURN(json::value checkpoint, session->api().Get(kCheckpoint));
  const std::string pem = Str(checkpoint, "publicKey");
  if (pem.empty()) return Status(StatusCode::kUnavailable, "the server sent no public key");
  if (output.empty()) {
    if (ctx.json) {
      PrintJson(ctx, json::object{{"publicKey", pem}});
    } else {
      ctx.out << pem;
    }
    return Status::Ok();
  }
  std::ofstream file(output, std::ios::out | std::ios::trunc);
  if (!(file << pem) || !file.flush()) return InvalidArgument("cannot write " + output);
  return Status::Ok();
}

Status AuditCheckpoint(Context& ctx, const std::string& output) {
  ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Open(ctx));
  ASSIGN_OR_RETURN(json::value checkpoint, session->api().Get(kCheckpoint));
  if (json::object* o = checkpoint.if_object()) o->erase("@odata.context");
  std::string text;
  if (ctx.json) {
    text = json::serialize(checkpoint) + "\n";
  } else {
    text = CheckpointText(checkpoint);
  }
  if (output.empty()) {
    ctx.out << text;
    return Status::Ok();
  }
  // Appended: a file that collects checkpoints over time ('pim audit verify --checkpoint').
  std::ofstream file(output, std::ios::out | std::ios::app);
  if (!(file << text) || !file.flush()) return InvalidArgument("cannot write " + output);
  return Status::Ok();
}

}  // namespace pim::cli
