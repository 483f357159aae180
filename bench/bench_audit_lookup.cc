// GET directoryAudits/{id} at the store: SqliteStore::FindAuditRecord on a log of N records
// (small records with random GUID ids, written 4,096 per transaction into a temporary
// database in the current directory, which must be on a real disk).
//
//   BM_FindAuditRecord/first/N   the first lookup after the store opens: it reads every stored
//                                id filter from the file (5 KiB per 4,096 records), which is
//                                what every lookup did before the reader kept a copy of them
//   BM_FindAuditRecord/later/N   a later lookup: it tests the filters in memory and reads
//                                only the chunks that may hold the id
//
// Each lookup is of a random existing id. Counter s_per_lookup (SI prefix: 3m is 3 ms).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/guid_testing.h"
#include "store/sqlite/sqlite_store.h"

namespace pim {
namespace {

constexpr int64_t kChunk = 4096;

// Writes a log of `n` records at `path`; returns their ids (index seq - 1).
std::vector<std::string> WriteLog(const std::string& path, int64_t n) {
  std::vector<std::string> ids;
  std::mt19937_64 rng(7);
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path);
  if (!store.ok()) return ids;
  for (int64_t first = 1; first <= n; first += kChunk) {
    ChangeSet changes;
    for (int64_t seq = first; seq < first + kChunk && seq <= n; ++seq) {
      SealedAuditRecord r;
      r.seq = seq;
      r.time = Timestamp::FromSeconds(1795651200 + seq);
      r.id = RandomGuid(rng);
      r.category = "RoleManagement";
      r.activity = "Add member to role completed (PIM activation)";
      r.initiator_id = r.id;
      r.canonical = "{\"id\":\"" + r.id + "\"}";
      r.prev_hash = std::string(64, 'a');
      r.hash = std::string(64, 'b');
      ids.push_back(r.id);
      changes.audit.push_back(std::move(r));
    }
    if (!(*store)->Commit(std::move(changes)).ok()) return {};
  }
  (*store)->Close();
  return ids;
}

void BM_FindAuditRecord(benchmark::State& state, bool first) {
  const int64_t n = state.range(0);
  const std::filesystem::path dir = std::filesystem::absolute("bench-audit-lookup");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "pim.db").string();
  const std::vector<std::string> ids = WriteLog(path, n);
  if (ids.empty()) {
    state.SkipWithError("could not write the log");
    return;
  }
  std::mt19937_64 rng(11);
  std::unique_ptr<SqliteStore> store;
  double total = 0;
  int64_t lookups = 0;
  for (auto _ : state) {
    if (first || !store) {
      state.PauseTiming();
      if (store) store->Close();
      store.reset();
      Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(path);
      if (!opened.ok()) {
        state.SkipWithError("could not open the log");
        break;
      }
      store = std::move(*opened);
      // The later lookups start with the copy of the filters made.
      if (!first) (void)store->FindAuditRecord(ids[0]);
      state.ResumeTiming();
    }
    const std::string& id = ids[rng() % ids.size()];
    const auto start = std::chrono::steady_clock::now();
    Result<std::optional<SealedAuditRecord>> found = store->FindAuditRecord(id);
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ++lookups;
    if (!found.ok() || !found->has_value()) {
      state.SkipWithError("a record was not found");
      break;
    }
  }
  if (store) store->Close();
  state.counters["s_per_lookup"] = lookups ? total / static_cast<double>(lookups) : 0;
  std::filesystem::remove_all(dir);
}

BENCHMARK_CAPTURE(BM_FindAuditRecord, first, true)
    ->Arg(1 << 20)
    ->Arg(1 << 23)
    ->Iterations(20)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FindAuditRecord, later, false)
    ->Arg(1 << 20)
    ->Arg(1 << 23)
    ->Iterations(200)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pim

BENCHMARK_MAIN();
