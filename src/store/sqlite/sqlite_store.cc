#include "store/sqlite/sqlite_store.h"

#include <limits>
#include <utility>

#include "store/sqlite/audit_id_filter.h"
#include "store/sqlite/batch_writer.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/wal_checkpointer.h"

namespace pim {

namespace {

constexpr char kAuditColumns[] =
    "seq, time_us, id, category, activity, initiator_id, canonical, prev_hash, hash";

SealedAuditRecord ReadAuditRow(const sqlite::Statement& stmt) {
  SealedAuditRecord record;
  record.seq = stmt.Int(0);
  record.time = Timestamp::FromMicros(stmt.Int(1));
  record.id = stmt.Text(2);
  record.category = stmt.Text(3);
  record.activity = stmt.Text(4);
  record.initiator_id = stmt.Text(5);
  record.canonical = stmt.Text(6);
  record.prev_hash = stmt.Text(7);
  record.hash = stmt.Text(8);
  return record;
}

Result<std::vector<SealedAuditRecord>> ReadAuditRows(sqlite::Statement& stmt) {
  std::vector<SealedAuditRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(ReadAuditRow(stmt));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       int busy_timeout_ms) {
  ASSIGN_OR_RETURN(std::unique_ptr<sqlite::BatchWriter> writer,
                   sqlite::BatchWriter::Open(path, busy_timeout_ms));
  ASSIGN_OR_RETURN(sqlite::Connection reader, sqlite::Connection::Open(path, busy_timeout_ms));
  RETURN_IF_ERROR(reader.Exec("PRAGMA query_only=ON"));
  ASSIGN_OR_RETURN(std::unique_ptr<sqlite::WalCheckpointer> checkpointer,
                   sqlite::WalCheckpointer::Start(path, busy_timeout_ms, writer->connection()));
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::move(writer), std::move(checkpointer),
                      std::make_unique<sqlite::Connection>(std::move(reader))));
}

SqliteStore::SqliteStore(std::unique_ptr<sqlite::BatchWriter> writer,
                         std::unique_ptr<sqlite::WalCheckpointer> checkpointer,
                         std::unique_ptr<sqlite::Connection> reader)
    : writer_(std::move(writer)),
      checkpointer_(std::move(checkpointer)),
      reader_(std::move(reader)),
      schema_version_(writer_->schema_version()) {
  queue_ = std::make_unique<CommitQueue>(
      [this](const std::vector<const ChangeSet*>& batch) { return CommitBatch(batch); }, kMaxBatch);
}

SqliteStore::~SqliteStore() { Close(); }

void SqliteStore::Close() {
  closing_.store(true);  // a commit waiting for another connection's lock gives up
  queue_->Close();
  checkpointer_->Stop();
}

int64_t SqliteStore::background_checkpoint_count() const {
  return checkpointer_->background_checkpoints();
}

int64_t SqliteStore::writer_checkpoint_count() const { return checkpointer_->writer_checkpoints(); }

int64_t SqliteStore::cap_checkpoint_count() const { return checkpointer_->cap_checkpoints(); }

std::shared_future<Status> SqliteStore::Submit(ChangeSet changes,
                                               std::function<void()> after_commit) {
  return queue_->Submit(std::move(changes), std::move(after_commit));
}

void SqliteStore::Enqueue(ChangeSet changes, std::function<void()> after_commit) {
  queue_->Enqueue(std::move(changes), std::move(after_commit));
}

Status SqliteStore::CommitBatch(const std::vector<const ChangeSet*>& batch) {
  Status status = writer_->Write(batch, [this] {
    lock_waits_.fetch_add(1, std::memory_order_relaxed);
    return !closing_.load();
  });
  if (status.ok()) {
    commit_count_.fetch_add(1);
    change_set_count_.fetch_add(static_cast<int64_t>(batch.size()));
  }
  return status;
}

Result<std::vector<StoredObject>> SqliteStore::LoadObjects(const std::string& kind) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(sqlite::Statement stmt,
                   reader_->Prepare("SELECT id, body FROM objects WHERE kind = ? ORDER BY seq"));
  stmt.Bind(1, kind);
  std::vector<StoredObject> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(StoredObject{kind, stmt.Text(0), stmt.Text(1)});
  }
  return out;
}

Status SqliteStore::ForEachObject(const std::function<Status(StoredObject)>& visit) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  // One scan in rowid (= seq) order: each kind's rows arrive in insertion order.
  ASSIGN_OR_RETURN(sqlite::Statement stmt,
                   reader_->Prepare("SELECT kind, id, body FROM objects ORDER BY seq"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    RETURN_IF_ERROR(visit(StoredObject{stmt.Text(0), stmt.Text(1), stmt.Text(2)}));
  }
  return Status::Ok();
}

Result<std::vector<SealedAuditRecord>> SqliteStore::ReadAuditDescending(int64_t before_seq,
                                                                        int limit) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  // A plain bound on seq (the rowid) lets SQLite seek to it; "(?1 = 0 OR seq < ?1)" made every
  // chunk scan down from the newest record, so reading the log chunk by chunk was quadratic.
  ASSIGN_OR_RETURN(sqlite::Statement stmt,
                   reader_->Prepare(std::string("SELECT ") + kAuditColumns +
                                    " FROM audit WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2"));
  stmt.Bind(1, before_seq == 0 ? std::numeric_limits<int64_t>::max() : before_seq)
      .Bind(2, static_cast<int64_t>(limit));
  return ReadAuditRows(stmt);
}

Result<std::vector<SealedAuditRecord>> SqliteStore::ReadAuditAscending(int64_t from_seq,
                                                                       int limit) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  // seq is the rowid, so this is physical order.
  ASSIGN_OR_RETURN(sqlite::Statement stmt,
                   reader_->Prepare(std::string("SELECT ") + kAuditColumns +
                                    " FROM audit WHERE seq >= ? ORDER BY rowid LIMIT ?"));
  stmt.Bind(1, from_seq).Bind(2, static_cast<int64_t>(limit));
  return ReadAuditRows(stmt);
}

Result<std::optional<SealedAuditRecord>> SqliteStore::FindAuditRecord(const std::string& id) {
  using sqlite::AuditIdFilter;
  std::optional<AuditIdFilter::Guid> guid = AuditIdFilter::ParseGuid(id);
  if (!guid) return std::optional<SealedAuditRecord>();  // every stored id is a GUID
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(sqlite::Statement last,
                   reader_->Prepare("SELECT COALESCE(MAX(seq), 0) FROM audit"));
  ASSIGN_OR_RETURN(bool row, last.Step());
  const int64_t last_seq = row ? last.Int(0) : 0;
  if (last_seq == 0) return std::optional<SealedAuditRecord>();
  // Chunks whose filter rules the id out are skipped; the others (the filter says maybe, or
  // there is no filter) are read, newest first, consecutive ones in one range.
  const int64_t chunks = AuditIdFilter::ChunkOf(last_seq) + 1;
  RETURN_IF_ERROR(LoadNewAuditIdFilters(chunks));
  std::vector<bool> read(static_cast<size_t>(chunks), true);
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    const std::optional<AuditIdFilter>& filter = audit_id_filters_[static_cast<size_t>(chunk)];
    if (filter && !filter->MayContain(*guid)) read[static_cast<size_t>(chunk)] = false;
  }
  ASSIGN_OR_RETURN(sqlite::Statement scan,
                   reader_->Prepare(std::string("SELECT ") + kAuditColumns +
                                    " FROM audit WHERE seq BETWEEN ? AND ? AND id = ? LIMIT 1"));
  for (int64_t end = chunks - 1; end >= 0; --end) {
    if (!read[static_cast<size_t>(end)]) continue;
    int64_t begin = end;
    while (begin > 0 && read[static_cast<size_t>(begin - 1)]) --begin;
    scan.Bind(1, AuditIdFilter::FirstSeq(begin)).Bind(2, AuditIdFilter::LastSeq(end)).Bind(3, id);
    ASSIGN_OR_RETURN(std::vector<SealedAuditRecord> found, ReadAuditRows(scan));
    scan.Reset();
    if (!found.empty()) return std::optional<SealedAuditRecord>(std::move(found.front()));
    end = begin;
  }
  return std::optional<SealedAuditRecord>();
}

Status SqliteStore::LoadNewAuditIdFilters(int64_t chunks) {
  using sqlite::AuditIdFilter;
  // Filters arrive in chunk order (each with the transaction that completes its chunk), so
  // those not yet copied are past the last one copied. A chunk still without a filter is
  // asked for again next time.
  int64_t from = static_cast<int64_t>(audit_id_filters_.size());
  while (from > 0 && !audit_id_filters_[static_cast<size_t>(from - 1)]) --from;
  if (from >= chunks) return Status::Ok();
  audit_id_filters_.resize(static_cast<size_t>(chunks));
  ASSIGN_OR_RETURN(sqlite::Statement filters,
                   reader_->Prepare("SELECT chunk, bits FROM audit_id_filters "
                                    "WHERE chunk >= ? AND chunk < ?"));
  filters.Bind(1, from).Bind(2, chunks);
  while (true) {
    ASSIGN_OR_RETURN(bool more, filters.Step());
    if (!more) break;
    audit_id_filters_[static_cast<size_t>(filters.Int(0))] =
        AuditIdFilter::FromBytes(filters.Blob(1));
  }
  return Status::Ok();
}

Result<std::optional<AuditCheckpoint>> SqliteStore::LatestCheckpoint() {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(sqlite::Statement stmt,
                   reader_->Prepare("SELECT seq, head_hash, time_us, signature "
                                    "FROM audit_checkpoints ORDER BY rowid DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<AuditCheckpoint>();
  AuditCheckpoint checkpoint;
  checkpoint.seq = stmt.Int(0);
  checkpoint.head_hash = stmt.Text(1);
  checkpoint.time = Timestamp::FromMicros(stmt.Int(2));
  checkpoint.signature = stmt.Text(3);
  return std::optional<AuditCheckpoint>(std::move(checkpoint));
}

Result<std::vector<OutboxEvent>> SqliteStore::PendingOutbox(int limit) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(sqlite::Statement stmt,
                   reader_->Prepare("SELECT id, type, payload, created_us FROM outbox "
                                    "WHERE delivered_us IS NULL ORDER BY rowid LIMIT ?"));
  stmt.Bind(1, static_cast<int64_t>(limit));
  std::vector<OutboxEvent> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(
        OutboxEvent{stmt.Text(0), stmt.Text(1), stmt.Text(2), Timestamp::FromMicros(stmt.Int(3))});
  }
  return out;
}

}  // namespace pim
