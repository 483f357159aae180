#include "store/sqlite/wal_write_buffer.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <new>
#include <vector>

namespace pim::sqlite {

namespace {

// Above this many pending bytes (a transaction bigger than any group commit), write them out.
constexpr size_t kMaxPending = 1 << 20;
// The most one write hands to the default VFS: the unix VFS writes at most 128 KiB - 1 bytes per
// call (it expects a page or a frame header) and answers SQLITE_FULL to a bigger request.
constexpr size_t kMaxWrite = 64 << 10;

sqlite3_vfs* g_default_vfs = nullptr;  // set once, before the shim is registered
std::atomic<int64_t> g_from_sqlite{0};
std::atomic<int64_t> g_to_file{0};

// The memory SQLite gives a WAL file opened through the shim: this struct, then (aligned) the
// default VFS's own file object, which does the I/O.
struct BufferedFile {
  sqlite3_file base;  // first: SQLite sees a sqlite3_file*
  sqlite3_file* real = nullptr;
  sqlite3_int64 start = 0;    // file offset of pending[0]
  std::vector<char> pending;  // consecutive bytes written but not yet handed to `real`
};

constexpr size_t kRealOffset = (sizeof(BufferedFile) + alignof(std::max_align_t) - 1) /
                               alignof(std::max_align_t) * alignof(std::max_align_t);

BufferedFile* Of(sqlite3_file* file) { return reinterpret_cast<BufferedFile*>(file); }

int Flush(BufferedFile* f) {
  int rc = SQLITE_OK;
  for (size_t done = 0; done < f->pending.size() && rc == SQLITE_OK; done += kMaxWrite) {
    const size_t n = std::min(kMaxWrite, f->pending.size() - done);
    g_to_file.fetch_add(1, std::memory_order_relaxed);
    rc = f->real->pMethods->xWrite(f->real, f->pending.data() + done, static_cast<int>(n),
                                   f->start + static_cast<sqlite3_int64>(done));
  }
  f->pending.clear();
  return rc;
}

int Close(sqlite3_file* file) {
  BufferedFile* f = Of(file);
  int rc = Flush(f);
  int closed = f->real->pMethods->xClose(f->real);
  f->~BufferedFile();
  return rc != SQLITE_OK ? rc : closed;
}

int Read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  BufferedFile* f = Of(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xRead(f->real, out, amount, offset);
}

int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  BufferedFile* f = Of(file);
  g_from_sqlite.fetch_add(1, std::memory_order_relaxed);
  if (!f->pending.empty() && offset != f->start + static_cast<sqlite3_int64>(f->pending.size())) {
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  }
  if (f->pending.empty()) f->start = offset;
  const char* bytes = static_cast<const char*>(data);
  f->pending.insert(f->pending.end(), bytes, bytes + amount);
  return f->pending.size() >= kMaxPending ? Flush(f) : SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  BufferedFile* f = Of(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xTruncate(f->real, size);
}

int Sync(sqlite3_file* file, int flags) {
  BufferedFile* f = Of(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xSync(f->real, flags);
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  BufferedFile* f = Of(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xFileSize(f->real, size);
}

int Lock(sqlite3_file* file, int level) {
  return Of(file)->real->pMethods->xLock(Of(file)->real, level);
}

int Unlock(sqlite3_file* file, int level) {
  return Of(file)->real->pMethods->xUnlock(Of(file)->real, level);
}

int CheckReservedLock(sqlite3_file* file, int* out) {
  return Of(file)->real->pMethods->xCheckReservedLock(Of(file)->real, out);
}

int FileControl(sqlite3_file* file, int op, void* arg) {
  BufferedFile* f = Of(file);
  if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xFileControl(f->real, op, arg);
}

int SectorSize(sqlite3_file* file) { return Of(file)->real->pMethods->xSectorSize(Of(file)->real); }

int DeviceCharacteristics(sqlite3_file* file) {
  return Of(file)->real->pMethods->xDeviceCharacteristics(Of(file)->real);
}

// Version 1: no shared memory and no memory mapping, which SQLite uses only on the database file.
const sqlite3_io_methods kBufferedMethods = {
    .iVersion = 1,
    .xClose = Close,
    .xRead = Read,
    .xWrite = Write,
    .xTruncate = Truncate,
    .xSync = Sync,
    .xFileSize = FileSize,
    .xLock = Lock,
    .xUnlock = Unlock,
    .xCheckReservedLock = CheckReservedLock,
    .xFileControl = FileControl,
    .xSectorSize = SectorSize,
    .xDeviceCharacteristics = DeviceCharacteristics,
    .xShmMap = nullptr,
    .xShmLock = nullptr,
    .xShmBarrier = nullptr,
    .xShmUnmap = nullptr,
    .xFetch = nullptr,
    .xUnfetch = nullptr,
};

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  sqlite3_vfs* real_vfs = g_default_vfs;
  if ((flags & SQLITE_OPEN_WAL) == 0)
    return real_vfs->xOpen(real_vfs, name, file, flags, out_flags);
  BufferedFile* f = new (file) BufferedFile();
  f->base.pMethods = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
  int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    f->~BufferedFile();
    file->pMethods = nullptr;
    return rc;
  }
  f->base.pMethods = &kBufferedMethods;
  return SQLITE_OK;
}

}  // namespace

const char* WalWriteBufferVfs() {
  static const char* const name = []() -> const char* {
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    if (real == nullptr) return nullptr;
    g_default_vfs = real;
    // Everything but opening files is the default VFS's own (its other methods do not depend on
    // which sqlite3_vfs they are called through beyond pAppData, copied too).
    static sqlite3_vfs vfs = *real;
    vfs.pNext = nullptr;
    vfs.zName = "pim-wal-write-buffer";
    vfs.szOsFile = static_cast<int>(kRealOffset) + real->szOsFile;
    vfs.xOpen = Open;
    return sqlite3_vfs_register(&vfs, 0) == SQLITE_OK ? vfs.zName : nullptr;
  }();
  return name;
}

WalWriteCounts WalWriteBufferCounts() {
  return {g_from_sqlite.load(std::memory_order_relaxed), g_to_file.load(std::memory_order_relaxed)};
}

}  // namespace pim::sqlite
