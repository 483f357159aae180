// Store: durable storage behind the engine. Implementations: SqliteStore (store/sqlite/), later
// PostgresStore. Every implementation passes store/store_conformance.h.
//
// The engine keeps its working state in memory and persists every change as a ChangeSet: object
// rows (a kind, an id, a JSON body), sealed audit records, outbox events and the audit checkpoint,
// all committed in ONE transaction (only the newest checkpoint of a transaction is kept). Submit()
// is called with the engine's lock held, so change sets reach the store in the order the engine
// applied them; the store commits them in that order, grouping whatever is waiting into one
// transaction (group commit: one fsync for many requests).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace pim {

struct ObjectWrite {
  std::string kind;  // "user", "roleDefinition", "schedule", "request", "approval", "policy", ...
  std::string id;
  std::string body;  // JSON text; ignored when erase
  bool erase = false;
};

struct StoredObject {
  std::string kind;
  std::string id;
  std::string body;
};

// An audit record after the chain sealed it (audit/chain.h). `canonical` is the exact byte string
// that was hashed; `hash` = SHA-256(prev_hash || canonical), both lowercase hex.
struct SealedAuditRecord {
  int64_t seq = 0;  // 1, 2, 3, ... without gaps
  Timestamp time;
  std::string id;        // GUID of the directoryAudit
  std::string category;  // "RoleManagement", "UserManagement", "Authentication", ...
  std::string activity;  // activityDisplayName
  std::string initiator_id;
  std::string canonical;
  std::string prev_hash;
  std::string hash;
};

// A signed statement "the chain has `seq` records and its head hash is `head_hash`".
struct AuditCheckpoint {
  int64_t seq = 0;
  std::string head_hash;
  Timestamp time;
  std::string
      signature;  // base64 Ed25519 over "pim-audit-checkpoint-v1\n<seq>\n<head_hash>\n<time us>"
};

struct OutboxEvent {
  std::string id;
  std::string type;     // e.g. "roleActivated", "approvalRequested"
  std::string payload;  // JSON text
  Timestamp created;
};

struct ChangeSet {
  std::vector<ObjectWrite> objects;
  std::vector<SealedAuditRecord> audit;
  std::vector<OutboxEvent> outbox;
  std::optional<AuditCheckpoint> checkpoint;
  // When set, `checkpoint` may be unsigned: the store calls this on its writer thread, just
  // before the transaction is written, for the one checkpoint it keeps (the newest of the group
  // commit), so one signature covers many change sets. Not called for superseded checkpoints.
  std::function<void(AuditCheckpoint&)> sign_checkpoint;
  // When set, called (on the store's writer thread) with the error if this change set's
  // transaction fails (after_commit then does not run), before its future is made ready: for
  // submitters that do not wait on the future.
  std::function<void(const Status&)> on_failure;
  bool empty() const { return objects.empty() && audit.empty() && outbox.empty(); }
};

// The error_code of a commit refused because the store stopped before the change was durable:
// it was submitted after Close(), or Close() ended its wait for a write lock another process held.
// The change was never acknowledged.
inline constexpr char kStoreClosed[] = "StoreClosed";

class Store {
 public:
  virtual ~Store() = default;

  // Every object of `kind`, in the order first written (insertion order).
  virtual Result<std::vector<StoredObject>> LoadObjects(const std::string& kind) = 0;
  // Calls `visit` with every object, each kind's in the order first written (kinds may come
  // interleaved): one pass over the store that never holds every body at once, for start-up (a
  // store need not index objects by kind, so LoadObjects may scan). Stops at the first error
  // `visit` returns and returns it. `visit` must not call the store.
  virtual Status ForEachObject(const std::function<Status(StoredObject)>& visit) = 0;

  // Queues `changes` for the next group commit and returns at once. The future becomes ready
  // when the transaction holding them is durable (OK) or failed (the Status). `after_commit`, if
  // given, runs on the store's writer thread after a successful commit and before the future is
  // made ready, in submission order; it must be short (the writer takes its next batch after it)
  // and must not wait for another commit. Change sets are committed in submission order.
  virtual std::shared_future<Status> Submit(ChangeSet changes,
                                            std::function<void()> after_commit = {}) = 0;

  // Submit without a future: the caller learns the outcome only through `after_commit` and
  // `changes.on_failure` (on the writer thread; on_failure runs on the calling thread if the store
  // is already closed). Saves the writer settling a future per change set nobody waits for.
  virtual void Enqueue(ChangeSet changes, std::function<void()> after_commit) = 0;

  // Submit and wait.
  Status Commit(ChangeSet changes, std::function<void()> after_commit = {}) {
    return Submit(std::move(changes), std::move(after_commit)).get();
  }

  // Audit records with seq < before_seq (0 = from the newest), newest first, at most `limit`.
  virtual Result<std::vector<SealedAuditRecord>> ReadAuditDescending(int64_t before_seq,
                                                                     int limit) = 0;
  // Audit records with seq >= from_seq, oldest first, at most `limit`.
  virtual Result<std::vector<SealedAuditRecord>> ReadAuditAscending(int64_t from_seq,
                                                                    int limit) = 0;
  // The audit record whose id is `id` (exactly, as stored), if any. Reads a bounded part of the
  // log however long it is (the SQLite store: audit_id_filter.h).
  virtual Result<std::optional<SealedAuditRecord>> FindAuditRecord(const std::string& id) = 0;
  // The newest checkpoint, if any.
  virtual Result<std::optional<AuditCheckpoint>> LatestCheckpoint() = 0;
  // Outbox events not yet delivered, oldest first (delivery comes in a later issue).
  virtual Result<std::vector<OutboxEvent>> PendingOutbox(int limit) = 0;

  // Stops the writer after committing what was submitted. Idempotent.
  virtual void Close() = 0;
};

}  // namespace pim
