// MemoryStore: a Store kept in memory, for engine unit tests. Same semantics as every Store
// (store.h, checked by store_conformance.h): in-order commits on a writer thread, after_commit
// callbacks (on that thread) before the future is ready, objects in first-written order.
// Nothing survives the object. Adds fault injection (FailNextCommits) and audit tampering for
// tests.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/commit_queue.h"
#include "store/store.h"

namespace pim {

class MemoryStore final : public Store {
 public:
  MemoryStore();
  ~MemoryStore() override;

  Result<std::vector<StoredObject>> LoadObjects(const std::string& kind) override;
  Status ForEachObject(const std::function<Status(StoredObject)>& visit) override;
  std::shared_future<Status> Submit(ChangeSet changes,
                                    std::function<void()> after_commit = {}) override;
  void Enqueue(ChangeSet changes, std::function<void()> after_commit) override;
  Result<std::vector<SealedAuditRecord>> ReadAuditDescending(int64_t before_seq,
                                                             int limit) override;
  // Records are kept in the order written ("physical" order); returns, in that order, those with
  // seq >= from_seq.
  Result<std::vector<SealedAuditRecord>> ReadAuditAscending(int64_t from_seq, int limit) override;
  Result<std::optional<SealedAuditRecord>> FindAuditRecord(const std::string& id) override;
  Result<std::optional<AuditCheckpoint>> LatestCheckpoint() override;
  Result<std::vector<OutboxEvent>> PendingOutbox(int limit) override;
  void Close() override;

  // The next `n` calls to Submit() or Enqueue() fail with kInternal (the future, or on_failure);
  // their change sets are not applied and their after_commit callbacks do not run.
  void FailNextCommits(int n);

  // Lets a test edit the stored audit records (in physical order) to simulate tampering.
  void TamperWithAudit(const std::function<void(std::vector<SealedAuditRecord>&)>& edit);

  // Number of successful commit transactions so far.
  int64_t commit_count() const;

 private:
  struct Kind {
    std::vector<StoredObject> objects;              // first-written order
    std::unordered_map<std::string, size_t> index;  // id -> position in `objects`
  };

  Status Apply(const std::vector<const ChangeSet*>& batch);
  Status NextInjectedFailure();
  void ApplyObject(const ObjectWrite& write);

  mutable std::mutex mu_;
  std::map<std::string, Kind> kinds_;          // guarded by mu_
  std::vector<SealedAuditRecord> audit_;       // guarded by mu_
  std::optional<AuditCheckpoint> checkpoint_;  // guarded by mu_
  std::vector<OutboxEvent> outbox_;            // guarded by mu_
  int64_t commit_count_ = 0;                   // guarded by mu_
  int fail_next_ = 0;                          // guarded by mu_
  std::mutex submit_mu_;                // makes the fail_next_ decision and the enqueue one step
  std::unique_ptr<CommitQueue> queue_;  // last: its thread uses the members above
};

}  // namespace pim
