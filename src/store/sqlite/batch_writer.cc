#include "store/sqlite/batch_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "store/sqlite/migrations.h"
#include "store/sqlite/wal_write_buffer.h"

namespace pim::sqlite {

Result<std::unique_ptr<BatchWriter>> BatchWriter::Open(const std::string& path, int busy_ms) {
  const bool existed = access(path.c_str(), F_OK) == 0;
  // The WAL's frames of a commit go to the file in one write (wal_write_buffer.h).
  ASSIGN_OR_RETURN(Connection db, Connection::Open(path, busy_ms, WalWriteBufferVfs()));
  // A new database holds credentials: only its owner may read it (SQLite gives the -wal and
  // -shm files the same mode).
  if (!existed && chmod(path.c_str(), 0600) != 0) {
    return Internal("cannot chmod 600 " + path + ": " + std::strerror(errno));
  }
  std::unique_ptr<BatchWriter> writer(new BatchWriter(std::move(db)));
  Connection& conn = writer->db_;
  {
    // journal_mode answers with the mode in force; anything but "wal" means WAL is unavailable.
    ASSIGN_OR_RETURN(Statement wal, conn.Prepare("PRAGMA journal_mode=WAL"));
    ASSIGN_OR_RETURN(bool row, wal.Step());
    if (!row || wal.Text(0) != "wal") {
      return Internal("cannot put database " + path + " in WAL mode");
    }
  }
  RETURN_IF_ERROR(conn.Exec("PRAGMA synchronous=FULL"));
  // 64 MiB of page cache (the default is 2 MiB): index pages stay in memory instead of being
  // read back from the file for every write.
  RETURN_IF_ERROR(conn.Exec("PRAGMA cache_size=-65536"));
  ASSIGN_OR_RETURN(writer->schema_version_, ApplyMigrations(conn));
  RETURN_IF_ERROR(writer->Prepare());
  RETURN_IF_ERROR(writer->LoadObjectSeqs());
  RETURN_IF_ERROR(writer->LoadAuditIdFilter());
  return writer;
}

std::string BatchWriter::ObjectKey(const std::string& kind, const std::string& id) {
  std::string key;
  key.reserve(kind.size() + 1 + id.size());
  key.append(kind).push_back('\0');
  key.append(id);
  return key;
}

Status BatchWriter::LoadObjectSeqs() {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT kind, id, seq FROM objects"));
  int64_t max_seq = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    const int64_t seq = stmt.Int(2);
    std::string key = ObjectKey(stmt.Text(0), stmt.Text(1));
    object_seqs_.Shard(key)[key] = seq;
    if (seq > max_seq) max_seq = seq;
  }
  next_object_seq_ = max_seq + 1;
  return Status::Ok();
}

Result<AuditIdFilter> BatchWriter::FilterOfRange(int64_t first, int64_t last, bool* complete) {
  ASSIGN_OR_RETURN(Statement ids, db_.Prepare("SELECT id FROM audit WHERE seq BETWEEN ? AND ?"));
  ids.Bind(1, first).Bind(2, last);
  AuditIdFilter filter;
  *complete = true;
  while (true) {
    ASSIGN_OR_RETURN(bool row, ids.Step());
    if (!row) break;
    *complete = filter.AddText(ids.Text(0)) && *complete;
  }
  if (!*complete) filter = AuditIdFilter::MatchingEverything();
  return filter;
}

Status BatchWriter::LoadAuditIdFilter() {
  ASSIGN_OR_RETURN(Statement last, db_.Prepare("SELECT COALESCE(MAX(seq), 0) FROM audit"));
  ASSIGN_OR_RETURN(bool row, last.Step());
  const int64_t last_seq = row ? last.Int(0) : 0;
  const int64_t filling = AuditIdFilter::ChunkOf(last_seq + 1);  // the chunk of the next record

  // Complete chunks without a filter: a database from before the filters. Once, in one
  // transaction (a pass over the log's ids, a few seconds for millions of records).
  std::vector<bool> stored(static_cast<size_t>(filling), false);
  ASSIGN_OR_RETURN(Statement chunks, db_.Prepare("SELECT chunk FROM audit_id_filters"));
  while (true) {
    ASSIGN_OR_RETURN(bool more, chunks.Step());
    if (!more) break;
    const int64_t chunk = chunks.Int(0);
    if (chunk >= 0 && chunk < filling) stored[static_cast<size_t>(chunk)] = true;
  }
  if (std::find(stored.begin(), stored.end(), false) != stored.end()) {
    RETURN_IF_ERROR(begin_.RunAndReset());
    Status status;
    for (int64_t chunk = 0; status.ok() && chunk < filling; ++chunk) {
      if (stored[static_cast<size_t>(chunk)]) continue;
      bool complete = false;
      Result<AuditIdFilter> filter =
          FilterOfRange(AuditIdFilter::FirstSeq(chunk), AuditIdFilter::LastSeq(chunk), &complete);
      status = filter.status();
      if (status.ok())
        status = insert_id_filter_.Bind(1, chunk).BindBlob(2, filter->bytes()).RunAndReset();
    }
    if (status.ok()) status = commit_.RunAndReset();
    if (!status.ok()) {
      if (db_.InTransaction()) (void)db_.Exec("ROLLBACK");
      return status;
    }
  }

  filter_chunk_ = filling;
  ASSIGN_OR_RETURN(filter_, FilterOfRange(AuditIdFilter::FirstSeq(filling),
                                          AuditIdFilter::LastSeq(filling), &filter_valid_));
  return Status::Ok();
}

Status BatchWriter::NoteAuditId(const SealedAuditRecord& record) {
  const int64_t chunk = AuditIdFilter::ChunkOf(record.seq);
  if (chunk != filter_chunk_) {  // a new chunk: it is complete only if this is its first record
    filter_ = AuditIdFilter();
    filter_chunk_ = chunk;
    filter_valid_ = record.seq == AuditIdFilter::FirstSeq(chunk);
  }
  filter_valid_ = filter_.AddText(record.id) && filter_valid_;
  if (record.seq != AuditIdFilter::LastSeq(chunk)) return Status::Ok();
  // A chunk that cannot be filtered gets a filter matching everything: it is read on lookups,
  // and start-up does not try to fill it in again.
  if (!filter_valid_) filter_ = AuditIdFilter::MatchingEverything();
  insert_id_filter_.Bind(1, chunk).BindBlob(2, filter_.bytes());
  return insert_id_filter_.RunAndReset();
}

Status BatchWriter::Prepare() {
  ASSIGN_OR_RETURN(begin_, db_.Prepare("BEGIN IMMEDIATE"));
  ASSIGN_OR_RETURN(commit_, db_.Prepare("COMMIT"));
  ASSIGN_OR_RETURN(insert_object_,
                   db_.Prepare("INSERT INTO objects (seq, kind, id, body) VALUES (?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(update_object_, db_.Prepare("UPDATE objects SET body = ? WHERE seq = ?"));
  ASSIGN_OR_RETURN(erase_object_, db_.Prepare("DELETE FROM objects WHERE seq = ?"));
  ASSIGN_OR_RETURN(insert_audit_,
                   db_.Prepare("INSERT INTO audit (seq, time_us, id, category, activity, "
                               "initiator_id, canonical, prev_hash, hash) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(insert_checkpoint_,
                   db_.Prepare("INSERT INTO audit_checkpoints (seq, head_hash, time_us, "
                               "signature) VALUES (?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(insert_outbox_, db_.Prepare("INSERT INTO outbox (id, type, payload, created_us) "
                                               "VALUES (?, ?, ?, ?)"));
  // OR REPLACE: a chunk's filter written again (after a rolled-back attempt) is the same.
  ASSIGN_OR_RETURN(
      insert_id_filter_,
      db_.Prepare("INSERT OR REPLACE INTO audit_id_filters (chunk, bits) VALUES (?, ?)"));
  return Status::Ok();
}

Status BatchWriter::WriteObject(const ObjectWrite& write) {
  std::string key = ObjectKey(write.kind, write.id);
  Statement* stmt = nullptr;
  // Statements bind the change set's strings uncopied: it outlives the transaction.
  if (write.erase) {
    auto& shard = object_seqs_.Shard(key);
    auto it = shard.find(key);
    if (it == shard.end()) return Status::Ok();  // nothing to erase
    stmt = &erase_object_.Bind(1, it->second);
    undo_.emplace_back(std::move(key), it->second);
    shard.erase(it);
  } else {
    auto& shard = object_seqs_.Shard(key);
    auto [it, inserted] = shard.try_emplace(std::move(key), next_object_seq_);
    if (inserted) {
      ++next_object_seq_;
      stmt = &insert_object_.Bind(1, it->second)
                  .BindUncopied(2, write.kind)
                  .BindUncopied(3, write.id)
                  .BindUncopied(4, write.body);
      undo_.emplace_back(it->first, std::nullopt);
    } else {
      stmt = &update_object_.BindUncopied(1, write.body).Bind(2, it->second);  // keeps its place
    }
  }
  return stmt->RunAndReset();
}

Status BatchWriter::WriteOne(const ChangeSet& changes) {
  for (const ObjectWrite& write : changes.objects) RETURN_IF_ERROR(WriteObject(write));
  for (const SealedAuditRecord& record : changes.audit) {
    insert_audit_.Bind(1, record.seq)
        .Bind(2, record.time.micros())
        .BindUncopied(3, record.id)
        .BindUncopied(4, record.category)
        .BindUncopied(5, record.activity)
        .BindUncopied(6, record.initiator_id)
        .BindUncopied(7, record.canonical)
        .BindUncopied(8, record.prev_hash)
        .BindUncopied(9, record.hash);
    RETURN_IF_ERROR(insert_audit_.RunAndReset());
    RETURN_IF_ERROR(NoteAuditId(record));
  }
  for (const OutboxEvent& event : changes.outbox) {
    insert_outbox_.BindUncopied(1, event.id)
        .BindUncopied(2, event.type)
        .BindUncopied(3, event.payload)
        .Bind(4, event.created.micros());
    RETURN_IF_ERROR(insert_outbox_.RunAndReset());
  }
  return Status::Ok();
}

Status BatchWriter::Write(const std::vector<const ChangeSet*>& batch,
                          const std::function<bool()>& keep_waiting) {
  const int64_t seq_before = next_object_seq_;
  undo_.clear();
  Status began = begin_.RunAndReset();
  // Another process holds the write lock (a sqlite3 shell left in BEGIN IMMEDIATE, say): each
  // attempt waits out the busy timeout again, until the store stops.
  while (!began.ok() && (sqlite3_extended_errcode(db_.get()) & 0xff) == SQLITE_BUSY &&
         keep_waiting) {
    if (!keep_waiting()) {
      return Status(StatusCode::kUnavailable,
                    "the store stopped while the change waited for the database's write lock, "
                    "which another process holds",
                    kStoreClosed);
    }
    began = begin_.RunAndReset();
  }
  RETURN_IF_ERROR(began);
  Status status;
  const AuditCheckpoint* checkpoint = nullptr;  // only the newest of the batch is kept
  for (const ChangeSet* changes : batch) {
    status = WriteOne(*changes);
    if (!status.ok()) break;
    if (changes->checkpoint) checkpoint = &*changes->checkpoint;
  }
  if (status.ok() && checkpoint != nullptr) {
    insert_checkpoint_.Bind(1, checkpoint->seq)
        .Bind(2, checkpoint->head_hash)
        .Bind(3, checkpoint->time.micros())
        .Bind(4, checkpoint->signature);
    status = insert_checkpoint_.RunAndReset();
  }
  if (status.ok()) status = commit_.RunAndReset();
  if (!status.ok()) {
    if (db_.InTransaction()) (void)db_.Exec("ROLLBACK");
    next_object_seq_ = seq_before;
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
      auto& shard = object_seqs_.Shard(it->first);
      if (it->second) {
        shard[it->first] = *it->second;
      } else {
        shard.erase(it->first);
      }
    }
  }
  return status;
}

}  // namespace pim::sqlite
