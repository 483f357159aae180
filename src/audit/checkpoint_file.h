// The copy of the latest audit checkpoint kept outside the database (docs/AUDIT.md, "Checkpoint
// file"). WriteCheckpointFile is declared in audit.h; this header adds the reader.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace pim {

// The checkpoint stored at `path` by WriteCheckpointFile. nullopt if the file does not exist;
// InvalidArgument (naming the problem) if it is not a well-formed checkpoint file; Internal if it
// cannot be read. The signature is not checked here.
Result<std::optional<AuditCheckpoint>> ReadCheckpointFile(const std::string& path);

// The file's text for `checkpoint` (exposed for tests and documentation).
std::string FormatCheckpointFile(const AuditCheckpoint& checkpoint);

}  // namespace pim
