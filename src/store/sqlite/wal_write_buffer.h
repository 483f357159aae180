// A VFS shim that gathers SQLite's WAL writes into one write per commit.
//
// SQLite appends a frame to the write-ahead log as two writes (its 24-byte header, then the page)
// and a group commit appends a dozen frames or more: ~30 pwrite calls per transaction, each of
// them touching two page-cache pages because frames are not page-aligned. This VFS hands every
// file but the WAL straight to the default VFS; for the WAL it keeps consecutive writes in memory
// and writes them with one pwrite (per 64 KiB) before anything that depends on them: a sync (so
// with synchronous=FULL everything a commit wrote is on disk before COMMIT returns, exactly as
// without the shim), a read, a size query, a truncation, a write elsewhere in the file, a file
// control, a close. Other connections only ever read frames a commit has synced (SQLite
// publishes them in the WAL index after the sync), so they never miss a buffered one.
#pragma once

#include <cstdint>

namespace pim::sqlite {

// Registers the VFS (once; thread-safe) and returns its name for sqlite3_open_v2, or nullptr if
// it could not be registered (then the default VFS is the one to use).
const char* WalWriteBufferVfs();

// Since the start of the process, over every WAL opened through the shim: the writes SQLite made
// and the writes the shim made to the file in their stead.
struct WalWriteCounts {
  int64_t from_sqlite = 0;
  int64_t to_file = 0;
};
WalWriteCounts WalWriteBufferCounts();

}  // namespace pim::sqlite
