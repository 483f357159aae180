// The audit log's JSON forms outside the database: a sealed record (what GET
// /v1.0/pim/audit/records serves and `pim audit export --sealed` writes, docs/AUDIT.md) and the
// verify report.
#include <boost/json.hpp>

#include "audit/audit.h"
#include "audit/digest.h"

namespace pim {

namespace json = boost::json;

namespace audit_internal {

bool ReadSearchColumns(const std::string& canonical, SealedAuditRecord& out) {
  boost::system::error_code ec;
  json::value v = json::parse(canonical, ec);
  if (ec || !v.is_object()) return false;
  const json::object& o = v.get_object();
  auto text = [](const json::value* value, std::string& into) {
    if (value == nullptr || !value->is_string()) return false;
    into = std::string(value->get_string());
    return true;
  };
  std::string time;
  if (!text(o.if_contains("id"), out.id) || !text(o.if_contains("category"), out.category) ||
      !text(o.if_contains("activityDisplayName"), out.activity) ||
      !text(o.if_contains("activityDateTime"), time)) {
    return false;
  }
  Result<Timestamp> parsed = ParseTimestamp(time);
  if (!parsed.ok() || FormatTimestamp(*parsed) != time) return false;  // not as the engine wrote
  out.time = *parsed;
  const json::value* initiator = o.if_contains("initiatedBy");
  const json::object* by = initiator != nullptr ? initiator->if_object() : nullptr;
  if (by == nullptr) return false;
  const json::value* id = nullptr;
  if (const json::value* user = by->if_contains("user"); user && user->is_object()) {
    id = user->get_object().if_contains("id");
  } else if (const json::value* app = by->if_contains("app"); app && app->is_object()) {
    id = app->get_object().if_contains("servicePrincipalId");
  }
  return text(id, out.initiator_id);
}

}  // namespace audit_internal

json::object AuditVerifyReportToJson(const AuditVerifyReport& report) {
  json::object out;
  out["ok"] = report.ok;
  out["recordsChecked"] = report.records_checked;
  out["checkpointSeq"] = report.checkpoint_seq;
  out["firstBadSequence"] = report.ok || report.first_bad_seq == 0
                                ? json::value(nullptr)
                                : json::value(report.first_bad_seq);
  out["problem"] = report.problem.empty() ? json::value(nullptr) : json::value(report.problem);
  out["message"] = report.message;
  return out;
}

json::object SealedRecordToJson(const SealedAuditRecord& record) {
  return json::object{{"sequence", record.seq},
                      {"previousHash", record.prev_hash},
                      {"hash", record.hash},
                      {"record", record.canonical}};
}

Result<SealedAuditRecord> SealedRecordFromJson(const json::value& value) {
  const json::object* o = value.if_object();
  if (o == nullptr) return InvalidArgument("not a JSON object");
  SealedAuditRecord record;
  const json::value* seq = o->if_contains("sequence");
  if (seq == nullptr || !seq->is_int64() || seq->get_int64() < 1) {
    return InvalidArgument("'sequence' must be a record number (1 or more)");
  }
  record.seq = seq->get_int64();
  for (auto [key, into] : {std::pair<const char*, std::string*>{"previousHash", &record.prev_hash},
                           {"hash", &record.hash},
                           {"record", &record.canonical}}) {
    const json::value* v = o->if_contains(key);
    if (v == nullptr || !v->is_string()) {
      return InvalidArgument(std::string("'") + key + "' must be a string");
    }
    *into = std::string(v->get_string());
  }
  // A record whose text is not a canonical record keeps empty columns: verify then reports it
  // altered at its place in the chain, which says more than a parse error here would.
  (void)audit_internal::ReadSearchColumns(record.canonical, record);
  return record;
}

}  // namespace pim
