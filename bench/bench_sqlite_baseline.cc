// The durable-write baseline: bare SQLite, WAL + synchronous=FULL, one INSERT per transaction,
// sequential, on the disk of the current directory (a temporary directory is created there and
// removed afterwards; run it from the build directory, not from a tmpfs). The row is about the
// size of an activated assignment schedule.
//
// Counters: tx_per_s (real time; the work is waiting for fsync, so CPU time would flatter it) and
// on_tmpfs (1 if the directory is a tmpfs, which makes the figure meaningless).
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <sys/vfs.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

constexpr long kTmpfsMagic = 0x01021994;

bool Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s: %s\n", sql, err ? err : "?");
    sqlite3_free(err);
    return false;
  }
  return true;
}

void BM_SqliteInsertPerTransaction(benchmark::State& state) {
  char tmpl[] = "./sqlite-baseline-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    state.SkipWithError("mkdtemp failed in the current directory");
    return;
  }
  const std::filesystem::path dir = std::filesystem::absolute(tmpl);
  struct statfs fs {};
  const bool on_tmpfs = statfs(dir.c_str(), &fs) == 0 && fs.f_type == kTmpfsMagic;

  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* commit = nullptr;
  bool ok = sqlite3_open((dir / "baseline.db").c_str(), &db) == SQLITE_OK &&
            Exec(db, "PRAGMA journal_mode=WAL") && Exec(db, "PRAGMA synchronous=FULL") &&
            Exec(db,
                 "CREATE TABLE schedules(id TEXT PRIMARY KEY, principal_id TEXT NOT NULL, "
                 "role_definition_id TEXT NOT NULL, directory_scope_id TEXT NOT NULL, "
                 "start_us INTEGER NOT NULL, end_us INTEGER NOT NULL, body TEXT NOT NULL)") &&
            sqlite3_prepare_v2(db, "INSERT INTO schedules VALUES(?,?,?,?,?,?,?)", -1, &insert,
                               nullptr) == SQLITE_OK &&
            sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr) == SQLITE_OK &&
            sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr) == SQLITE_OK;
  if (!ok) state.SkipWithError(db ? sqlite3_errmsg(db) : "sqlite3_open failed");

  const std::string body(300, 'x');  // JSON-ish payload of a schedule row
  long n = 0;
  auto step = [&](sqlite3_stmt* s) {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
  };
  if (ok) {
    for (auto _ : state) {
      char id[64];
      std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012lx", ++n);
      sqlite3_bind_text(insert, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 2, "6f1d6e54-0d62-4b8e-9b77-3f4f0f2b8c11", -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 3, "62e90394-69f5-4237-9190-012177145e10", -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 4, "/", -1, SQLITE_STATIC);
      sqlite3_bind_int64(insert, 5, 1795651200000000 + n);
      sqlite3_bind_int64(insert, 6, 1795654800000000 + n);
      sqlite3_bind_text(insert, 7, body.c_str(), static_cast<int>(body.size()), SQLITE_STATIC);
      if (!step(begin) || !step(insert) || !step(commit)) {
        state.SkipWithError(sqlite3_errmsg(db));
        break;
      }
    }
  }
  state.counters["tx_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["on_tmpfs"] = on_tmpfs ? 1 : 0;

  sqlite3_finalize(insert);
  sqlite3_finalize(begin);
  sqlite3_finalize(commit);
  sqlite3_close(db);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_SqliteInsertPerTransaction)->UseRealTime()->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
