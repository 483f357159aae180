#include "store/memory_store.h"

#include <algorithm>
#include <utility>

namespace pim {

MemoryStore::MemoryStore() {
  queue_ = std::make_unique<CommitQueue>(
      [this](const std::vector<const ChangeSet*>& batch) { return Apply(batch); }, 256);
}

MemoryStore::~MemoryStore() { Close(); }

void MemoryStore::Close() { queue_->Close(); }

std::shared_future<Status> MemoryStore::Submit(ChangeSet changes,
                                               std::function<void()> after_commit) {
  std::lock_guard<std::mutex> submit_lock(submit_mu_);
  return queue_->Submit(std::move(changes), std::move(after_commit), NextInjectedFailure());
}

void MemoryStore::Enqueue(ChangeSet changes, std::function<void()> after_commit) {
  std::lock_guard<std::mutex> submit_lock(submit_mu_);
  queue_->Enqueue(std::move(changes), std::move(after_commit), NextInjectedFailure());
}

Status MemoryStore::NextInjectedFailure() {
  std::lock_guard<std::mutex> lock(mu_);
  if (fail_next_ == 0) return Status();
  --fail_next_;
  return Internal("injected commit failure (MemoryStore::FailNextCommits)");
}

void MemoryStore::FailNextCommits(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_next_ = n;
}

void MemoryStore::TamperWithAudit(
    const std::function<void(std::vector<SealedAuditRecord>&)>& edit) {
  std::lock_guard<std::mutex> lock(mu_);
  edit(audit_);
}

int64_t MemoryStore::commit_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commit_count_;
}

Status MemoryStore::Apply(const std::vector<const ChangeSet*>& batch) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const ChangeSet* changes : batch) {
    for (const ObjectWrite& write : changes->objects) ApplyObject(write);
    audit_.insert(audit_.end(), changes->audit.begin(), changes->audit.end());
    outbox_.insert(outbox_.end(), changes->outbox.begin(), changes->outbox.end());
    if (changes->checkpoint) checkpoint_ = changes->checkpoint;
  }
  ++commit_count_;
  return Status::Ok();
}

void MemoryStore::ApplyObject(const ObjectWrite& write) {
  Kind& kind = kinds_[write.kind];
  auto it = kind.index.find(write.id);
  if (write.erase) {
    if (it == kind.index.end()) return;
    kind.objects.erase(kind.objects.begin() + static_cast<ptrdiff_t>(it->second));
    kind.index.clear();
    for (size_t i = 0; i < kind.objects.size(); ++i) kind.index[kind.objects[i].id] = i;
    return;
  }
  if (it != kind.index.end()) {
    kind.objects[it->second].body = write.body;  // keeps its first-written position
    return;
  }
  kind.index[write.id] = kind.objects.size();
  kind.objects.push_back(StoredObject{write.kind, write.id, write.body});
}

Result<std::vector<StoredObject>> MemoryStore::LoadObjects(const std::string& kind) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = kinds_.find(kind);
  if (it == kinds_.end()) return std::vector<StoredObject>();
  return it->second.objects;
}

Status MemoryStore::ForEachObject(const std::function<Status(StoredObject)>& visit) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, kind] : kinds_) {
    for (const StoredObject& object : kind.objects) RETURN_IF_ERROR(visit(object));
  }
  return Status::Ok();
}

Result<std::vector<SealedAuditRecord>> MemoryStore::ReadAuditDescending(int64_t before_seq,
                                                                        int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SealedAuditRecord> out;
  for (auto it = audit_.rbegin(); it != audit_.rend() && static_cast<int>(out.size()) < limit;
       ++it) {
    if (before_seq == 0 || it->seq < before_seq) out.push_back(*it);
  }
  return out;
}

Result<std::optional<SealedAuditRecord>> MemoryStore::FindAuditRecord(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const SealedAuditRecord& record : audit_) {
    if (record.id == id) return std::optional<SealedAuditRecord>(record);
  }
  return std::optional<SealedAuditRecord>();
}

Result<std::vector<SealedAuditRecord>> MemoryStore::ReadAuditAscending(int64_t from_seq,
                                                                       int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SealedAuditRecord> out;
  for (const SealedAuditRecord& record : audit_) {
    if (static_cast<int>(out.size()) >= limit) break;
    if (record.seq >= from_seq) out.push_back(record);
  }
  return out;
}

Result<std::optional<AuditCheckpoint>> MemoryStore::LatestCheckpoint() {
  std::lock_guard<std::mutex> lock(mu_);
  return checkpoint_;
}

Result<std::vector<OutboxEvent>> MemoryStore::PendingOutbox(int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = std::min(outbox_.size(), static_cast<size_t>(std::max(limit, 0)));
  return std::vector<OutboxEvent>(outbox_.begin(), outbox_.begin() + static_cast<ptrdiff_t>(n));
}

}  // namespace pim
