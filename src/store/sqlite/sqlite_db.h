// Thin RAII owners for a sqlite3 connection and its prepared statements, turning SQLite result
// codes into Status. Private to store/sqlite.
//
// Thread-safety: none; a connection and its statements are used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace pim::sqlite {

// A prepared statement. Bind indexes are 1-based, column indexes 0-based (as in SQLite).
class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view text);  // copied: may go away after the call
  // Not copied: `text` must stay valid and unchanged until Reset() (the writer binds bodies held
  // by the change sets it is committing; copying them was ~4% of its time).
  Statement& BindUncopied(int index, std::string_view text);
  Statement& BindNull(int index);
  // A BLOB, copied.
  Statement& BindBlob(int index, std::string_view bytes);
  // Steps once: true if a row is available, false when done; Internal on error.
  Result<bool> Step();
  // Steps to completion, expecting no rows.
  Status Run();
  // Clears bindings and rewinds so the statement can be reused.
  void Reset();
  // Run(), then Reset() whatever the outcome: for prepared writes used again and again.
  Status RunAndReset();

  int64_t Int(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;
  bool IsNull(int column) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  Status Error(int rc) const;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  int bind_rc_ = SQLITE_OK;  // first bind failure, reported by Step()
};

class Connection {
 public:
  // Opens (creating if absent) the database at `path`, with busy_timeout `busy_ms`, through the
  // VFS named `vfs` (nullptr: the default one).
  static Result<Connection> Open(const std::string& path, int busy_ms, const char* vfs = nullptr);

  // Runs one or more statements that return no rows needed.
  Status Exec(const std::string& sql);
  Result<Statement> Prepare(std::string_view sql);
  // The current error text of this connection.
  std::string ErrorMessage() const;
  bool InTransaction() const;
  sqlite3* get() const { return db_.get(); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  explicit Connection(sqlite3* db) : db_(db) {}
  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace pim::sqlite
