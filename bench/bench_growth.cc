// What a long history costs in pauses: the longest single insert while a map grows to N entries,
// for the maps that hold every object pimd ever stored. A hash map rehashes all its elements when
// it outgrows its buckets; pimd's engine does that under its exclusive lock and the SQLite writer
// between transactions, so the longest insert is a pause every request in flight waits out.
// Both the maps pimd had before (one table) and the sharded ones it has now
// (core/sharded_map.h) are measured in the same run.
//
//   BM_EngineMap/<map>/N     the engine's schedules by id: std::unordered_map<id, Schedule>
//                            (OrderedMap's table before), a ShardedMap of it (its table now), and
//                            OrderedMap<Schedule> itself (the table, the order, and the lists of
//                            10,000 principals)
//   BM_WriterMap/<map>/N     the SQLite writer's (kind, id) -> rowid: boost::unordered_flat_map
//                            (before) or ShardedMap of it (now)
//
// Counters: worst_insert_s (the longest single insert; printed with an SI prefix: 4m is 4 ms) and
// s_per_insert (the mean). One iteration each: building a map of a million schedules takes
// seconds.
#include <benchmark/benchmark.h>

#include <boost/unordered/unordered_flat_map.hpp>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/guid_testing.h"
#include "core/model.h"
#include "core/sharded_map.h"
#include "engine/ordered_map.h"

namespace pim {
namespace {

std::vector<std::string> Guids(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> ids;
  ids.reserve(n);
  for (size_t i = 0; i < n; ++i) ids.push_back(RandomGuid(rng));
  return ids;
}

// Times each call of insert(i) for i in [0, n); sets the counters.
template <typename Insert>
void TimeInserts(benchmark::State& state, size_t n, Insert insert) {
  using Clock = std::chrono::steady_clock;
  double worst = 0, total = 0;
  for (size_t i = 0; i < n; ++i) {
    const Clock::time_point start = Clock::now();
    insert(i);
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    worst = std::max(worst, s);
    total += s;
  }
  state.counters["worst_insert_s"] = worst;
  state.counters["s_per_insert"] = total / static_cast<double>(n);
}

struct Unsharded {};
struct Sharded {};
struct Ordered {};

template <typename Kind>
void BM_EngineMap(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::vector<std::string> ids = Guids(n, 1);
  const std::vector<std::string> principals = Guids(10000, 2);
  for (auto _ : state) {
    Schedule s;
    s.role_definition_id = principals[0];
    auto next = [&](size_t i) -> const Schedule& {
      s.id = ids[i];
      s.principal_id = principals[i % principals.size()];
      return s;
    };
    if constexpr (std::is_same_v<Kind, Ordered>) {
      OrderedMap<Schedule> map;
      TimeInserts(state, n, [&](size_t i) { map.Put(ids[i], next(i)); });
      benchmark::DoNotOptimize(map.size());
    } else if constexpr (std::is_same_v<Kind, Sharded>) {
      ShardedMap<std::unordered_map<std::string, Schedule>> map;
      TimeInserts(state, n, [&](size_t i) { map.Shard(ids[i]).emplace(ids[i], next(i)); });
      benchmark::DoNotOptimize(map.size());
    } else {
      std::unordered_map<std::string, Schedule> map;
      TimeInserts(state, n, [&](size_t i) { map.emplace(ids[i], next(i)); });
      benchmark::DoNotOptimize(map.size());
    }
  }
}

template <typename Kind>
void BM_WriterMap(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<std::string> keys = Guids(n, 3);
  for (std::string& k : keys) k.insert(0, std::string("schedule\0", 9));
  for (auto _ : state) {
    if constexpr (std::is_same_v<Kind, Sharded>) {
      ShardedMap<boost::unordered_flat_map<std::string, int64_t>> map;
      TimeInserts(state, n, [&](size_t i) {
        map.Shard(keys[i]).try_emplace(keys[i], static_cast<int64_t>(i));
      });
      benchmark::DoNotOptimize(map.size());
    } else {
      boost::unordered_flat_map<std::string, int64_t> map;
      TimeInserts(state, n, [&](size_t i) { map.try_emplace(keys[i], static_cast<int64_t>(i)); });
      benchmark::DoNotOptimize(map.size());
    }
  }
}

BENCHMARK(BM_EngineMap<Unsharded>)
    ->Name("BM_EngineMap/unsharded")
    ->Arg(1 << 20)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EngineMap<Sharded>)
    ->Name("BM_EngineMap/sharded")
    ->Arg(1 << 20)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EngineMap<Ordered>)
    ->Name("BM_EngineMap/OrderedMap")
    ->Arg(1 << 20)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriterMap<Unsharded>)
    ->Name("BM_WriterMap/unsharded")
    ->Arg(1 << 21)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriterMap<Sharded>)
    ->Name("BM_WriterMap/sharded")
    ->Arg(1 << 21)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pim

BENCHMARK_MAIN();
