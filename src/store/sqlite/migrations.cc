#include "store/sqlite/migrations.h"

namespace pim::sqlite {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "initial schema", R"sql(
CREATE TABLE objects (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  body TEXT NOT NULL,
  seq INTEGER NOT NULL,  -- insertion order; kept when the object is overwritten
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE INDEX objects_by_kind_seq ON objects (kind, seq);

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,  -- the rowid: physical order is chain order
  time_us INTEGER NOT NULL,
  id TEXT NOT NULL,
  category TEXT NOT NULL,
  activity TEXT NOT NULL,
  initiator_id TEXT NOT NULL,
  canonical TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_time ON audit (time_us);
CREATE INDEX audit_by_category ON audit (category, seq);
CREATE INDEX audit_by_initiator ON audit (initiator_id, seq);

CREATE TABLE audit_checkpoints (
  seq INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  time_us INTEGER NOT NULL,
  signature TEXT NOT NULL
);

CREATE TABLE outbox (
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_us INTEGER NOT NULL,
  delivered_us INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (delivered_us);  -- NULL first, then rowid order
)sql"},
      // Objects in insertion order (seq is the rowid), found by (kind, id) through the writer's
      // in-memory map instead of a B-tree keyed by random GUIDs: new objects are appended, so a
      // group commit writes a few pages at the end of the table instead of one random page per
      // object.
      {2, "objects appended in seq order", R"sql(
CREATE TABLE objects_v2 (
  seq INTEGER PRIMARY KEY,  -- insertion order; kept when the object is overwritten
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  body TEXT NOT NULL
);
INSERT INTO objects_v2 (seq, kind, id, body) SELECT seq, kind, id, body FROM objects ORDER BY seq;
DROP TABLE objects;
ALTER TABLE objects_v2 RENAME TO objects;
CREATE INDEX objects_by_kind ON objects (kind);  -- within a kind, rowid (= seq) order
)sql"},
      // Every write pays for every index, and nothing reads audit rows or outbox events other
      // than by their rowid (audit queries are filtered in memory over seq-ordered pages):
      // the audit indexes and the outbox's unique index on random GUIDs go. A later query that
      // needs one adds it back.
      {3, "drop indexes no query uses", R"sql(
DROP INDEX audit_by_time;
DROP INDEX audit_by_category;
DROP INDEX audit_by_initiator;
CREATE TABLE outbox_v2 (
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_us INTEGER NOT NULL,
  delivered_us INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0
);
INSERT INTO outbox_v2 (rowid, id, type, payload, created_us, delivered_us, attempts)
  SELECT rowid, id, type, payload, created_us, delivered_us, attempts FROM outbox ORDER BY rowid;
DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (delivered_us);  -- NULL first, then rowid order
)sql"},
      // Each activation appends two objects of different kinds and an outbox event: the kind
      // index took ~4 and the outbox index ~1.3 of the ~19 pages a group commit wrote, plus their
      // fsync time. Start-up reads every object in one pass (ForEachObject) instead of one
      // index range per kind; nothing delivers the outbox yet (delivery will go in rowid order).
      {4, "drop the object kind and outbox indexes", R"sql(
DROP INDEX objects_by_kind;
DROP INDEX outbox_pending;
)sql"},
      // A Bloom filter of each complete chunk of 4,096 audit records' ids, so that finding a
      // record by id reads the few chunks that may hold it (audit_id_filter.h) instead of the
      // whole log, without an index on random GUIDs. The writer fills in the filters of chunks
      // completed before this migration when it opens the database.
      {5, "audit id filters", R"sql(
CREATE TABLE audit_id_filters (
  chunk INTEGER PRIMARY KEY,  -- records (chunk * 4096 + 1) .. (chunk + 1) * 4096
  bits BLOB NOT NULL
);
)sql"},
  };
  return kMigrations;
}

int64_t LatestSchemaVersion() { return Migrations().back().version; }

namespace {

Result<int64_t> CurrentVersion(Connection& db) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Int(0) : 0;
}

// Inside the caller's transaction.
Result<int64_t> ApplyMissing(Connection& db) {
  ASSIGN_OR_RETURN(int64_t version, CurrentVersion(db));
  if (version > LatestSchemaVersion()) {
    return FailedPrecondition("database schema version " + std::to_string(version) +
                              " is newer than this pim supports (" +
                              std::to_string(LatestSchemaVersion()) + "); upgrade pim");
  }
  ASSIGN_OR_RETURN(Statement insert,
                   db.Prepare("INSERT INTO schema_migrations (version, name) VALUES (?, ?)"));
  for (const Migration& migration : Migrations()) {
    if (migration.version <= version) continue;
    Status status = db.Exec(migration.sql);
    if (status.ok()) status = insert.Bind(1, migration.version).Bind(2, migration.name).Run();
    insert.Reset();
    if (!status.ok()) {
      return Internal("migration " + std::to_string(migration.version) + " (" + migration.name +
                      ") failed: " + status.message());
    }
    version = migration.version;
  }
  return version;
}

}  // namespace

Result<int64_t> ApplyMigrations(Connection& db) {
  RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
              "version INTEGER PRIMARY KEY, name TEXT NOT NULL)"));
  // One IMMEDIATE transaction: two processes opening the same new database cannot both migrate.
  RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Result<int64_t> version = ApplyMissing(db);
  Status status = version.ok() ? db.Exec("COMMIT") : version.status();
  if (!status.ok()) {
    if (db.InTransaction()) (void)db.Exec("ROLLBACK");
    return status;
  }
  return version;
}

}  // namespace pim::sqlite
