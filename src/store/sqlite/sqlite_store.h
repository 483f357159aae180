// SqliteStore: the Store on an embedded SQLite database (WAL, synchronous=FULL).
//
// Writes: one writer thread and connection do group commit. Each wake-up takes every change set
// waiting (at most kMaxBatch), writes them with prepared statements in ONE
// BEGIN IMMEDIATE...COMMIT (one fsync), then runs their after_commit callbacks in order and makes
// their futures ready before taking the next batch. If the transaction fails it is rolled back and
// every future of the batch fails with the error (the engine aborts on that). WAL checkpoints run
// on a second thread and connection (WalCheckpointer).
// Reads: a second connection, serialised by a mutex; WAL lets it read while the writer writes.
// Objects keep their first-written position when overwritten. Audit rows are keyed by seq as
// rowid, so ascending reads return them in physical order. Of the checkpoints in one batch only
// the last is written (they are cumulative).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/commit_queue.h"
#include "store/sqlite/audit_id_filter.h"
#include "store/store.h"

namespace pim {

namespace sqlite {
class BatchWriter;
class Connection;
class WalCheckpointer;
}  // namespace sqlite

class SqliteStore final : public Store {
 public:
  static constexpr size_t kMaxBatch = 256;
  static constexpr int kBusyTimeoutMs = 5000;

  // Opens or creates the database file at `path` and applies the missing migrations.
  // FailedPrecondition if the database was written by a newer schema version; Internal on I/O
  // or SQLite errors.
  // `busy_timeout_ms`: how long one attempt waits for a lock another connection holds. A commit
  // that cannot begin for that reason tries again until it can, or until Close().
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   int busy_timeout_ms = kBusyTimeoutMs);
  ~SqliteStore() override;

  Result<std::vector<StoredObject>> LoadObjects(const std::string& kind) override;
  Status ForEachObject(const std::function<Status(StoredObject)>& visit) override;
  std::shared_future<Status> Submit(ChangeSet changes,
                                    std::function<void()> after_commit = {}) override;
  void Enqueue(ChangeSet changes, std::function<void()> after_commit) override;
  Result<std::vector<SealedAuditRecord>> ReadAuditDescending(int64_t before_seq,
                                                             int limit) override;
  Result<std::vector<SealedAuditRecord>> ReadAuditAscending(int64_t from_seq, int limit) override;
  Result<std::optional<SealedAuditRecord>> FindAuditRecord(const std::string& id) override;
  Result<std::optional<AuditCheckpoint>> LatestCheckpoint() override;
  Result<std::vector<OutboxEvent>> PendingOutbox(int limit) override;
  void Close() override;
  // From now on a commit waiting for a write lock another process holds gives up (its change set
  // fails with kStoreClosed) instead of waiting until the lock is released; Close() does this
  // too. For a process that is stopping while a handler still waits on such a commit.
  void AbandonLockWaits() { closing_.store(true); }

  // Committed write transactions so far (each holds one or more change sets).
  int64_t commit_count() const { return commit_count_.load(); }
  // Times a commit found the write lock held by another connection for a whole busy timeout
  // and began waiting again.
  int64_t lock_wait_count() const { return lock_waits_.load(); }
  // Change sets in those transactions (change_set_count / commit_count = the mean group size).
  int64_t change_set_count() const { return change_set_count_.load(); }
  // WAL checkpoints run by the checkpointer thread; by the writer (finishing each of the
  // thread's copies, and at the log's cap); at the cap only (the thread fell behind or failed).
  int64_t background_checkpoint_count() const;
  int64_t writer_checkpoint_count() const;
  int64_t cap_checkpoint_count() const;
  // The schema version of the open database.
  int64_t schema_version() const { return schema_version_; }

 private:
  SqliteStore(std::unique_ptr<sqlite::BatchWriter> writer,
              std::unique_ptr<sqlite::WalCheckpointer> checkpointer,
              std::unique_ptr<sqlite::Connection> reader);
  Status CommitBatch(const std::vector<const ChangeSet*>& batch);
  // Copies into audit_id_filters_ the stored filters of chunks [0, chunks) it lacks; the caller
  // holds reader_mu_.
  Status LoadNewAuditIdFilters(int64_t chunks);

  std::unique_ptr<sqlite::BatchWriter> writer_;  // used only by the writer thread after Open()
  std::unique_ptr<sqlite::WalCheckpointer> checkpointer_;  // stopped after the queue
  std::mutex reader_mu_;
  std::unique_ptr<sqlite::Connection> reader_;  // guarded by reader_mu_
  // FindAuditRecord's copy of the stored audit id filters, by chunk (nullopt: none stored, or
  // unreadable). A chunk's filter is written once, when the chunk is complete, so each lookup
  // reads only the filters stored since the last one: memory instead of reading every filter
  // (5 KiB per 4,096 records) from the file each time. Guarded by reader_mu_.
  std::vector<std::optional<sqlite::AuditIdFilter>> audit_id_filters_;
  const int64_t schema_version_;
  std::atomic<int64_t> commit_count_{0};
  std::atomic<int64_t> lock_waits_{0};
  std::atomic<bool> closing_{false};
  std::atomic<int64_t> change_set_count_{0};
  std::unique_ptr<CommitQueue> queue_;  // last: destroyed (joined) first
};

}  // namespace pim
