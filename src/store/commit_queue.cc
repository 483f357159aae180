#include "store/commit_queue.h"

#include <pthread.h>

#include <utility>

namespace pim {

namespace {
constexpr int kGatherRounds = 8;
}  // namespace

CommitQueue::CommitQueue(CommitFn commit, size_t max_batch)
    : commit_(std::move(commit)), max_batch_(max_batch == 0 ? 1 : max_batch) {
  writer_ = std::thread([this] { Run(); });
}

CommitQueue::~CommitQueue() { Close(); }

std::shared_future<Status> CommitQueue::Submit(ChangeSet changes,
                                               std::function<void()> after_commit,
                                               Status injected_failure) {
  Entry entry{std::move(changes), std::move(after_commit), std::promise<Status>(),
              std::move(injected_failure)};
  std::shared_future<Status> future = entry.promise->get_future().share();
  if (!Push(entry))
    entry.promise->set_value(Status(StatusCode::kUnavailable, "store is closed", kStoreClosed));
  return future;
}

void CommitQueue::Enqueue(ChangeSet changes, std::function<void()> after_commit,
                          Status injected_failure) {
  Entry entry{std::move(changes), std::move(after_commit), std::nullopt,
              std::move(injected_failure)};
  if (!Push(entry) && entry.changes.on_failure) {
    entry.changes.on_failure(Status(StatusCode::kUnavailable, "store is closed", kStoreClosed));
  }
}

bool CommitQueue::Push(Entry& entry) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_) return false;
    queue_.push_back(std::move(entry));
  }
  cv_.notify_one();
  return true;
}

void CommitQueue::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_one();
  std::call_once(join_once_, [this] {
    if (writer_.joinable()) writer_.join();
  });
}

void CommitQueue::Run() {
  pthread_setname_np(pthread_self(), "pim-commit");  // for top -H, perf, /proc/PID/task/*/comm
  while (true) {
    std::vector<Entry> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      // Group commit works only if the batch has time to form: when change sets keep arriving,
      // let the threads producing them run first (on a busy core the writer would otherwise
      // take each one alone, and pay a whole transaction for it).
      for (int round = 0; round < kGatherRounds && !closing_ && queue_.size() < max_batch_;
           ++round) {
        const size_t before = queue_.size();
        lock.unlock();
        std::this_thread::yield();
        lock.lock();
        if (queue_.size() == before) break;
      }
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    // Injected failures settle in their place; the runs between them commit as transactions.
    size_t run_begin = 0;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].injected_failure.ok()) continue;
      CommitRun(batch, run_begin, i);
      Settle(batch, i, i + 1, batch[i].injected_failure);
      run_begin = i + 1;
    }
    CommitRun(batch, run_begin, batch.size());
  }
}

void CommitQueue::Settle(std::vector<Entry>& entries, size_t begin, size_t end,
                         const Status& status) {
  for (size_t i = begin; i < end; ++i) {
    Entry& entry = entries[i];
    if (status.ok() && entry.after_commit) entry.after_commit();
    if (!status.ok() && entry.changes.on_failure) entry.changes.on_failure(status);
    if (entry.promise) entry.promise->set_value(status);
  }
}

void CommitQueue::CommitRun(std::vector<Entry>& batch, size_t begin, size_t end) {
  if (begin >= end) return;
  // Only the newest checkpoint of the transaction is stored: sign that one, if asked to.
  for (size_t i = end; i-- > begin;) {
    ChangeSet& changes = batch[i].changes;
    if (!changes.checkpoint) continue;
    if (changes.sign_checkpoint) changes.sign_checkpoint(*changes.checkpoint);
    break;
  }
  std::vector<const ChangeSet*> sets;
  sets.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) sets.push_back(&batch[i].changes);
  Settle(batch, begin, end, commit_(sets));
}

}  // namespace pim
