#include "http/graph/codecs_audit.h"

#include <boost/json/parse.hpp>

namespace pim::http {
namespace json = boost::json;

Result<json::object> DirectoryAuditFromRecord(const SealedAuditRecord& record) {
  boost::system::error_code ec;
  json::value value = json::parse(record.canonical, ec);
  json::object* object = ec ? nullptr : value.if_object();
  if (object == nullptr) {
    return Internal("audit record " + std::to_string(record.seq) + " is not a JSON object");
  }
  object->erase("pimEncodingVersion");
  return std::move(*object);
}

json::object VerifyReportToGraph(const AuditVerifyReport& report) {
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

}  // namespace pim::http
