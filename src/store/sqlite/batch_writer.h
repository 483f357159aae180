// BatchWriter: the write side of SqliteStore. Owns the writer connection (WAL,
// synchronous=FULL) and its prepared statements, and writes a batch of change sets in one
// BEGIN IMMEDIATE...COMMIT. Private to store/sqlite.
//
// Thread-safety: none; used by one thread at a time (SqliteStore's writer thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace pim::sqlite {

class BatchWriter {
 public:
  // Opens `path` (creating it), sets the pragmas and applies migrations (see migrations.h for
  // the errors).
  static Result<std::unique_ptr<BatchWriter>> Open(const std::string& path, int busy_ms);

  // Writes every change set of `batch`, in order, in one transaction. On failure the
  // transaction is rolled back and nothing of the batch is stored.
  Status Write(const std::vector<const ChangeSet*>& batch);

  int64_t schema_version() const { return schema_version_; }

 private:
  explicit BatchWriter(Connection db) : db_(std::move(db)) {}
  Status Prepare();
  Status WriteOne(const ChangeSet& changes);

  Connection db_;
  int64_t schema_version_ = 0;
  int64_t next_object_seq_ = 1;
  Statement upsert_object_;
  Statement erase_object_;
  Statement insert_audit_;
  Statement insert_checkpoint_;
  Statement insert_outbox_;
};

}  // namespace pim::sqlite
