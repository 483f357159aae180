// Graph JSON for directoryAudit (from a sealed audit record) and pim's audit verification
// report (GET /v1.0/pim/audit/verify).
#pragma once

#include <boost/json/object.hpp>

#include "audit/audit.h"
#include "core/status.h"
#include "store/store.h"

namespace pim::http {

// The record's canonical text is the directoryAudit JSON plus "pimEncodingVersion", which is
// dropped. Internal if the stored text is not a JSON object (a corrupted row).
Result<boost::json::object> DirectoryAuditFromRecord(const SealedAuditRecord& record);

// {"ok","recordsChecked","checkpointSeq","firstBadSequence"|null,"problem"|null,"message"}
boost::json::object VerifyReportToGraph(const AuditVerifyReport& report);

}  // namespace pim::http
