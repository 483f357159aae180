#include <optional>
#include <vector>

#include "audit/checkpoint_file.h"

namespace pim {

Result<std::string> CheckpointFileProblem(const std::string& path, const AuditSigner& signer,
                                          Store& store, int64_t last_seq) {
  Result<std::optional<AuditCheckpoint>> read = ReadCheckpointFile(path);
  if (!read.ok()) {
    if (read.status().code() != StatusCode::kInvalidArgument) return read.status();
    return read.status().message();  // malformed
  }
  if (!read->has_value()) return std::string();
  const AuditCheckpoint& file = **read;
  if (!signer.Verify(CheckpointMessage(file.seq, file.head_hash, file.time), file.signature)) {
    return "the checkpoint in " + path + " (record " + std::to_string(file.seq) +
           ") has an invalid signature";
  }
  const std::string signed_at = " signed at " + FormatTimestamp(file.time);
  if (file.seq > last_seq) {
    return "the audit log ends at record " + std::to_string(last_seq) + ", but the checkpoint in " +
           path + signed_at + " covers " + std::to_string(file.seq) +
           " records: the newest records were removed, or the database is an older copy";
  }
  if (file.seq == 0) return std::string();
  ASSIGN_OR_RETURN(std::vector<SealedAuditRecord> at, store.ReadAuditAscending(file.seq, 1));
  if (at.empty() || at.front().seq != file.seq || at.front().hash != file.head_hash) {
    return "record " + std::to_string(file.seq) +
           " of the audit log is not the one the checkpoint in " + path + signed_at +
           " covers: the log was altered, or the database is another copy";
  }
  return std::string();
}

}  // namespace pim
