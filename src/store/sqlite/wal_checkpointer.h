// WalCheckpointer: copies the write-ahead log back into the database file on its own thread and
// connection, so the writer thread never waits for it. SQLite's automatic checkpoint runs inside
// the COMMIT of whichever transaction crosses the threshold: that writer then copies ~1000 pages
// and fsyncs the database file twice while every request of the next group commit waits.
//
// The writer connection's automatic checkpoint is turned off and replaced by a WAL hook that
// wakes this thread once the log holds `threshold_frames` frames; the thread runs a PASSIVE
// checkpoint (never blocks the writer or readers). SQLite restarts the log from its beginning
// only when a writer finds it fully copied, which a background copy racing a steady stream of
// commits may never see: when the log reaches `cap_frames`, the writer checkpoints itself (cheap
// by then: the thread has copied nearly everything) so the log cannot grow without bound.
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

  // Checkpoints run by the thread, and by the writer because the log reached its cap.
  int64_t background_checkpoints() const { return background_.load(); }
  int64_t writer_checkpoints() const { return by_writer_.load(); }

 private:
  WalCheckpointer(Connection own, Connection& writer, int threshold, int cap);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
  void Run();

  Connection own_;
  Connection& writer_;
  const int threshold_;
  const int cap_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;    // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::atomic<int64_t> background_{0};
  std::atomic<int64_t> by_writer_{0};
  std::thread thread_;
};

}  // namespace pim::sqlite
