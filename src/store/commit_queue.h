// CommitQueue: the writer thread behind a Store's Submit(). Shared by every Store implementation
// so they all have the same ordering and callback semantics (store.h):
//
//   - change sets are handed to the commit function in submission order, in batches of at most
//     `max_batch` (group commit: whatever is waiting when the writer wakes up);
//   - before that, the newest checkpoint of each transaction is signed through its change set's
//     sign_checkpoint, if any (on the writer thread);
//   - after a successful batch, each entry's after_commit runs on the writer thread, in commit
//     order, and only then is that entry's future made ready; the writer takes its next batch
//     after the callbacks, so they must be short (an index update, handing a response to the
//     server: the change sets that arrive meanwhile join the next group). A completer thread
//     that ran them while the writer committed the next batch cost a thread hand-off per
//     transaction: ~11% of the durable selfActivate rate (docs/PERFORMANCE.md);
//   - a failed batch fails every future of the batch with the commit function's Status and runs
//     no after_commit callbacks (each change set's on_failure, if any, runs first).
//
// Thread-safety: Submit() and Close() may be called from any thread. The commit function and the
// callbacks are only ever called from the single writer thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace pim {

class CommitQueue {
 public:
  // Makes every change set of the batch durable, atomically and in order; returns OK or the
  // failure (then nothing of the batch may be durable).
  using CommitFn = std::function<Status(const std::vector<const ChangeSet*>& batch)>;

  // Starts the writer thread. `max_batch` >= 1.
  CommitQueue(CommitFn commit, size_t max_batch);
  // Close()s.
  ~CommitQueue();
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // Queues `changes`. If `injected_failure` is not OK the entry is not committed: when its turn
  // comes its future is failed with that Status (fault injection for tests). After Close() the
  // returned future is already failed with kUnavailable.
  std::shared_future<Status> Submit(ChangeSet changes, std::function<void()> after_commit,
                                    Status injected_failure = Status());

  // Submit without a future, for callers that learn the outcome from `after_commit` and
  // `changes.on_failure` alone: no promise to allocate and settle (settling one costs a futex
  // call on the writer thread, waiter or not). After Close(), `changes.on_failure` (if any) runs
  // at once on the calling thread with kUnavailable.
  void Enqueue(ChangeSet changes, std::function<void()> after_commit,
               Status injected_failure = Status());

  // Commits everything already submitted, then stops and joins the writer. Idempotent.
  void Close();

 private:
  struct Entry {
    ChangeSet changes;
    std::function<void()> after_commit;
    std::optional<std::promise<Status>> promise;  // none when enqueued
    Status injected_failure;
  };

  // Queues `entry` and wakes the writer; false (and `entry` untouched) once closing.
  bool Push(Entry& entry);
  void Run();
  // Runs the callbacks of committed (or failed) entries and settles their futures, in order.
  static void Settle(std::vector<Entry>& entries, size_t begin, size_t end, const Status& status);
  // Commits entries [begin, end) of `batch` as one transaction and settles their futures.
  void CommitRun(std::vector<Entry>& batch, size_t begin, size_t end);

  CommitFn commit_;
  const size_t max_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Entry> queue_;  // guarded by mu_
  bool closing_ = false;     // guarded by mu_
  std::once_flag join_once_;
  std::thread writer_;
};

}  // namespace pim
