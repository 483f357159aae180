#include "http/graph/codecs_audit.h"

#include <boost/json/parse.hpp>

#include "http/graph/json_fields.h"

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

json::object CheckpointToGraph(const AuditCheckpoint& checkpoint) {
  return json::object{{"seq", checkpoint.seq},
                      {"headHash", checkpoint.head_hash},
                      {"time", FormatTimestamp(checkpoint.time)},
                      {"signature", checkpoint.signature}};
}

Result<std::vector<AuditCheckpoint>> DecodeWitnessedCheckpoints(std::string_view body) {
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  FieldReader r(object, "");
  ASSIGN_OR_RETURN(std::optional<std::vector<const json::object*>> items,
                   r.OptObjectArray("checkpoints"));
  RETURN_IF_ERROR(r.Finish());
  if (!items || items->empty()) {
    return InvalidArgument(
        "The property 'checkpoints' is required: a list of checkpoints as GET "
        "/v1.0/pim/audit/checkpoint returns them.");
  }
  if (items->size() > kMaxWitnessedCheckpoints) {
    return InvalidArgument("At most " + std::to_string(kMaxWitnessedCheckpoints) +
                           " checkpoints can be checked at once.");
  }
  std::vector<AuditCheckpoint> out;
  for (size_t i = 0; i < items->size(); ++i) {
    FieldReader c(*(*items)[i], "checkpoints[" + std::to_string(i) + "]");
    AuditCheckpoint checkpoint;
    ASSIGN_OR_RETURN(std::optional<int64_t> seq, c.OptInt("seq"));
    ASSIGN_OR_RETURN(checkpoint.head_hash, c.NonEmptyString("headHash"));
    ASSIGN_OR_RETURN(std::optional<Timestamp> time, c.OptTimestamp("time"));
    ASSIGN_OR_RETURN(checkpoint.signature, c.NonEmptyString("signature"));
    RETURN_IF_ERROR(c.Finish());
    const std::string where = "checkpoints[" + std::to_string(i) + "]";
    if (!seq || *seq < 1) {
      return InvalidArgument("The property '" + where +
                             ".seq' must be a record number (1 or more).");
    }
    if (!time) return InvalidArgument("The property '" + where + ".time' is required.");
    if (checkpoint.head_hash.size() != 64 ||
        checkpoint.head_hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return InvalidArgument("The property '" + where +
                             ".headHash' must be 64 lowercase hexadecimal digits.");
    }
    checkpoint.seq = *seq;
    checkpoint.time = *time;
    out.push_back(std::move(checkpoint));
  }
  return out;
}

}  // namespace pim::http
