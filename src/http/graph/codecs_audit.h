// Graph JSON for directoryAudit (from a sealed audit record) and pim's audit verification
// report (GET /v1.0/pim/audit/verify).
#pragma once

#include <boost/json/object.hpp>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "core/status.h"
#include "store/store.h"

namespace pim::http {

// The record's canonical text is the directoryAudit JSON plus "pimEncodingVersion", which is
// dropped. Internal if the stored text is not a JSON object (a corrupted row).
Result<boost::json::object> DirectoryAuditFromRecord(const SealedAuditRecord& record);

// {"seq","headHash","time","signature"}: a signed checkpoint as GET /v1.0/pim/audit/checkpoint
// serves it and POST /v1.0/pim/audit/verify takes it back.
boost::json::object CheckpointToGraph(const AuditCheckpoint& checkpoint);
// The body of POST /v1.0/pim/audit/verify: {"checkpoints": [ CheckpointToGraph's objects ]}, one
// to kMaxWitnessedCheckpoints of them. InvalidArgument naming the first bad field.
inline constexpr size_t kMaxWitnessedCheckpoints = 100;
Result<std::vector<AuditCheckpoint>> DecodeWitnessedCheckpoints(std::string_view body);

}  // namespace pim::http
