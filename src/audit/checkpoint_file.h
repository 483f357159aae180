// The copy of the latest audit checkpoint kept outside the database (docs/AUDIT.md, "Checkpoint
// file"). WriteCheckpointFile is declared in audit.h; this header adds the reader.
#pragma once

#include <optional>
#include <string>

#include "audit/audit.h"
#include "core/status.h"
#include "store/store.h"

namespace pim {

// The checkpoint stored at `path` by WriteCheckpointFile. nullopt if the file does not exist, or
// is empty or all zero bytes (what a power failure can leave of it, docs/AUDIT.md);
// InvalidArgument (naming the problem) if it is not a well-formed checkpoint file; Internal if it
// cannot be read. The signature is not checked here.
Result<std::optional<AuditCheckpoint>> ReadCheckpointFile(const std::string& path);

// Whether the file at `path` still describes the log whose newest record is `last_seq`: "" when
// the file is absent, or holds a correctly signed checkpoint of a record the log has, with the
// same hash. Otherwise why not, in a sentence: the file is malformed, its signature is wrong, it
// covers more records than the log has, or the log's record at its seq has another hash. An
// error only when the file or the log cannot be read.
//
// The file is there so that removing the newest records from the database (with its checkpoint
// rows), or putting back an older copy of it, shows in `audit verify`. pimd replaces the file
// after every commit; on a log the file does not describe, its first commit would replace the
// evidence with a checkpoint of the shortened log, and verify would pass. So pimd checks this
// at start-up and, on a problem, leaves the file as it is (docs/AUDIT.md).
Result<std::string> CheckpointFileProblem(const std::string& path, const AuditSigner& signer,
                                          Store& store, int64_t last_seq);

// Removes the temporary files WriteCheckpointFile left beside `path` when the process died
// between creating one and renaming it over `path` (names `path` + "." + 6 letters or digits).
// Only while no WriteCheckpointFile(path) runs: pimd calls it at start-up. Best effort.
void RemoveCheckpointFileTemporaries(const std::string& path);

// The file's text for `checkpoint` (exposed for tests and documentation).
std::string FormatCheckpointFile(const AuditCheckpoint& checkpoint);

}  // namespace pim
