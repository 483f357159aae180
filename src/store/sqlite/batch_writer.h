// BatchWriter: the write side of SqliteStore. Owns the writer connection (WAL,
// synchronous=FULL) and its prepared statements, and writes a batch of change sets in one
// BEGIN IMMEDIATE...COMMIT. Private to store/sqlite.
//
// Thread-safety: none; used by one thread at a time (SqliteStore's writer thread).
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/sharded_map.h"
#include "core/status.h"
#include "store/sqlite/audit_id_filter.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace pim::sqlite {

class BatchWriter {
 public:
  // Opens `path` (creating it), sets the pragmas and applies migrations (see migrations.h for
  // the errors).
  static Result<std::unique_ptr<BatchWriter>> Open(const std::string& path, int busy_ms);

  // Writes every change set of `batch`, in order, in one transaction. On failure the
  // transaction is rolled back and nothing of the batch is stored. When another connection
  // holds the write lock past the busy timeout, nothing is written yet: the transaction is
  // begun again for as long as `keep_waiting` (may be empty: never) returns true.
  Status Write(const std::vector<const ChangeSet*>& batch,
               const std::function<bool()>& keep_waiting = {});

  int64_t schema_version() const { return schema_version_; }
  // The writer connection (for WalCheckpointer's hook).
  Connection& connection() { return db_; }

 private:
  explicit BatchWriter(Connection db) : db_(std::move(db)) {}
  Status Prepare();
  Status LoadObjectSeqs();
  // Stores the filter of every complete chunk that has none (written before migration 5), then
  // fills filter_ with the ids of the chunk the next audit record goes to (audit_id_filter.h).
  Status LoadAuditIdFilter();
  // The filter of the records with seq in [first, last]: all bits set (it matches every id, so
  // lookups read the chunk) if one of them is not a GUID. `complete` tells whether none was.
  Result<AuditIdFilter> FilterOfRange(int64_t first, int64_t last, bool* complete);
  // Adds `record` to filter_, and stores the filter when `record` completes its chunk.
  Status NoteAuditId(const SealedAuditRecord& record);
  Status WriteOne(const ChangeSet& changes);
  Status WriteObject(const ObjectWrite& write);
  static std::string ObjectKey(const std::string& kind, const std::string& id);

  Connection db_;
  int64_t schema_version_ = 0;
  int64_t next_object_seq_ = 1;
  // (kind, id) -> seq (the objects table's rowid) of every stored object. Objects are found
  // through this map, so the table needs no index on random GUIDs (migration 2). Open
  // addressing: with 100k+ objects, std::unordered_map's node chasing was ~5% of the writer.
  // Sharded, so that growing it pauses the writer (and every commit behind it) for one shard's
  // rehash, not the whole map's.
  ShardedMap<boost::unordered_flat_map<std::string, int64_t>> object_seqs_;
  // How to restore object_seqs_ if the current transaction fails: (key, previous seq or none).
  std::vector<std::pair<std::string, std::optional<int64_t>>> undo_;
  Statement begin_;  // prepared once: sqlite3_exec would parse them for every transaction
  Statement commit_;
  Statement insert_object_;
  Statement update_object_;
  Statement erase_object_;
  Statement insert_audit_;
  Statement insert_checkpoint_;
  Statement insert_outbox_;
  Statement insert_id_filter_;
  // The ids of chunk filter_chunk_ written so far; filter_valid_ is false when one of them was
  // not a GUID or the chunk's start was not seen (its stored filter then matches everything, and
  // lookups read the chunk itself).
  AuditIdFilter filter_;
  int64_t filter_chunk_ = -1;
  bool filter_valid_ = false;
};

}  // namespace pim::sqlite
