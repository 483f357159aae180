// WalCheckpointer: copies the write-ahead log back into the database file on its own thread and
// connection, so the writer thread never waits for the bulk of it. SQLite's automatic checkpoint
// runs inside the COMMIT of whichever transaction crosses the threshold: that writer then copies
// ~1000 pages and fsyncs the database file while every request of the next group commit waits.
//
// The writer connection's automatic checkpoint is turned off and replaced by a WAL hook:
//   1. once the log holds `threshold_frames` frames, the hook wakes the thread, once;
//   2. the thread runs a PASSIVE checkpoint (never blocks the writer or readers), then syncs the
//      database file itself: SQLite syncs it only when a checkpoint copied the whole log, which
//      a copy racing the writer's commits almost never does;
//   3. at the first commit after the thread's answer, the writer copies what was committed
//      during that copy (a few transactions' pages; one short fsync of the database file). The
//      log is then fully copied when the next transaction begins, and SQLite starts it over.
// Without step 3 a background copy racing a steady stream of commits would rarely leave the log
// fully copied at the start of a transaction: the log kept growing and every commit asked for
// another small copy with its own fsyncs (~400 per second under load). If the thread fails or
// falls behind and the log reaches `cap_frames`, the writer copies everything itself.
//
// A reader's snapshot (a long query, a backup through another connection) keeps the frames
// committed after it in the log until it ends. While one does, a copy stops short of the log's
// end and the log cannot restart; retrying at every commit halved pimd's write rate (A/B loop,
// a sqlite3 shell holding a read transaction: 7.2k instead of 14.4k created/s, a checkpoint
// attempt per commit). So after a copy that stopped at a reader, the next attempt waits for
// another `threshold_frames` frames, and the writer does not copy at the cap: when the reader
// ends, the thread copies the backlog (the writer only the short tail, as in step 3).
//
// Thread-safety: the hook runs on the writer thread; Stop() from the owner. Counters any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/status.h"
#include "store/sqlite/sqlite_db.h"

namespace pim::sqlite {

class WalCheckpointer {
 public:
  // Opens its own connection to `path` and takes over `writer`'s checkpoints. `writer` must
  // outlive this object or Stop() must be called first.
  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::string& path, int busy_ms,
                                                        Connection& writer,
                                                        int threshold_frames = 1000,
                                                        int cap_frames = 8000);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Joins the thread and gives `writer` its automatic checkpoint back. Idempotent.
  void Stop();

  // Checkpoints run by the thread; by the writer (step 3, and at the cap); at the cap only.
  int64_t background_checkpoints() const { return background_.load(); }
  int64_t writer_checkpoints() const { return by_writer_.load(); }
  int64_t cap_checkpoints() const { return at_cap_.load(); }

 private:
  WalCheckpointer(Connection own, Connection& writer, int threshold, int cap);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
  void Run();
  // fsyncs the database file through the thread's connection; an SQLite result code.
  int SyncDatabaseFile();

  Connection own_;
  Connection& writer_;
  const int threshold_;
  const int cap_;
  std::mutex mu_;
  std::condition_variable cv_;
  // kCopiedToReader: the copy stopped at a reader's snapshot, short of the log's end.
  enum Answer : int { kNoAnswer, kCopied, kCopiedToReader, kFailed };
  bool asked_ = false;  // writer thread only: woken, no answer taken yet
  // Writer thread only: 0, or (the last copy stopped at a reader's snapshot) no attempt before
  // the log holds this many frames.
  int retry_at_ = 0;
  std::atomic<int> answer_{kNoAnswer};  // the thread's answer to the last wake-up
  std::atomic<int> copied_through_{0};  // frames of the log the thread's last copy covered
  bool wanted_ = false;                 // guarded by mu_
  bool stopping_ = false;               // guarded by mu_
  std::atomic<int64_t> background_{0};
  std::atomic<int64_t> by_writer_{0};
  std::atomic<int64_t> at_cap_{0};
  std::thread thread_;
};

}  // namespace pim::sqlite
