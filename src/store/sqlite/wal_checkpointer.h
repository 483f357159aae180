// WalCheckpointer: copies the write-ahead log back into the database file on its own thread and
// connection, so the writer thread never waits for it. SQLite's automatic checkpoint runs inside
// the COMMIT of whichever transaction crosses the threshold: that writer then copies ~1000 pages
// and fsyncs the database file twice while every request of the next group commit waits.
//
// The writer connection's automatic checkpoint is turned off and replaced by a WAL hook that
// wakes this thread once the log holds `threshold_frames` frames; the thread runs a PASSIVE
// checkpoint (never blocks the writer or readers). SQLite restarts the log from its beginning
// only when a writer finds it fully copied, which a background copy racing a steady stream of
// commits rarely sees; so under load the log grows until `cap_frames`, where the writer copies
// whatever is left itself (little by then) and the next transaction restarts it. Meanwhile the
// thread is woken again only once `step_frames` more frames than it last copied have
// accumulated: each copy costs two fsyncs, and waking it after every commit past the threshold
// made the disk flush about as often for checkpoints as for commits, and a long step lets a copy
// write once a page that many commits rewrote. (Having the writer copy
// the last short tail after each background copy, so the log restarted every ~1,000 frames,
// stalled every request for ~1 ms thirty times a second and lowered the rate by ~7%.)
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
  // What the writer does after a commit that left `frames` frames in the log, of which the
  // thread had copied `copied` when it last finished (0 after a restart); `running`: the thread
  // is copying.
  enum class Action { kNone, kWakeThread, kCopyHere };
  struct Limits {
    int threshold, cap, step;
  };
  static Action Decide(const Limits& limits, int frames, int copied, bool running);

  // Opens its own connection to `path` and takes over `writer`'s checkpoints. `writer` must
  // outlive this object or Stop() must be called first.
  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::string& path, int busy_ms,
                                                        Connection& writer,
                                                        int threshold_frames = 2000,
                                                        int cap_frames = 16000,
                                                        int step_frames = 4096);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Joins the thread and gives `writer` its automatic checkpoint back. Idempotent.
  void Stop();

  // Checkpoints run by the thread, and by the writer because the log reached its cap.
  int64_t background_checkpoints() const { return background_.load(); }
  int64_t writer_checkpoints() const { return by_writer_.load(); }

 private:
  WalCheckpointer(Connection own, Connection& writer, int threshold, int cap, int step);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
  void Run();

  Connection own_;
  Connection& writer_;
  const Limits limits_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;    // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  // Whether the thread is copying, and how many frames of the current log it had copied when it
  // last finished (a hint: reset by the writer when it sees the log restart).
  std::atomic<bool> running_{false};
  std::atomic<int> copied_{0};
  int last_frames_ = 0;  // the log's size at the previous commit; writer thread only
  std::atomic<int64_t> background_{0};
  std::atomic<int64_t> by_writer_{0};
  std::thread thread_;
};

}  // namespace pim::sqlite
