// Decision throughput of DecisionIndex at the scale: 100k users, 1M eligibility schedules
// (kept in a plain vector, as the engine keeps them elsewhere), 100k active assignments (1% held
// by groups of 20 users), queried with random principals, a mix of hits and misses.
//
// Counters: decisions_per_s (real time), hit_ratio, index_bytes_per_assignment
// (MemoryBytes()/AssignmentCount()) and heap_bytes_per_assignment (malloc's own count of what
// building the index took, divided by the assignment count).
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/ids.h"
#include "core/model.h"
#include "core/role_catalog.h"
#include "engine/decision_index.h"

namespace pim {
namespace {

constexpr int kUsers = 100'000;
constexpr int kEligibilities = 1'000'000;
constexpr int kAssignments = 100'000;
constexpr int kGroups = 50;
constexpr int kGroupSize = 20;
constexpr int kGroupAssignments = kAssignments / 100;
// Power of two: the loop masks the index. 64k distinct queries over 100k users touch most of the
// index, while the query strings themselves stay cache-resident, as a request's would.
constexpr size_t kQueries = 1 << 16;

const Timestamp kNow = Timestamp::FromSeconds(1795651200);  // 2026-11-26T00:00:00Z

const std::vector<std::string>& Roles() {
  static const std::vector<std::string> roles = {
      role_ids::kGlobalAdministrator,     role_ids::kPrivilegedRoleAdministrator,
      role_ids::kSecurityAdministrator,   role_ids::kUserAdministrator,
      role_ids::kHelpdeskAdministrator,   role_ids::kExchangeAdministrator,
      role_ids::kSharePointAdministrator, role_ids::kApplicationAdministrator,
      role_ids::kBillingAdministrator,    role_ids::kGlobalReader,
      role_ids::kSecurityReader};
  return roles;
}

// Copies, as a server holds them after parsing a request (so they are in cache, not scattered
// over the data set).
struct Query {
  std::string principal;
  std::string role;
  std::string scope;
};

// The data set, built once per process and shared by every benchmark.
struct World {
  std::mt19937_64 rng{20261126};
  std::vector<std::string> users, groups, scopes;
  std::vector<Schedule> eligibilities;
  std::vector<Schedule> assignments;  // what was put in the index (for query generation)
  DecisionIndex index;
  std::vector<Query> queries;
  size_t heap_bytes = 0;

  std::string Guid() {
    unsigned char b[16];
    for (int i = 0; i < 16; i += 8) {
      uint64_t r = rng();
      for (int j = 0; j < 8; ++j) b[i + j] = static_cast<unsigned char>(r >> (8 * j));
    }
    return FormatGuidV4(b);
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[rng() % v.size()];
  }
  Schedule Make(ScheduleKind kind, const std::string& principal) {
    Schedule s;
    s.id = Guid();
    s.kind = kind;
    s.principal_id = principal;
    s.role_definition_id = Pick(Roles());
    s.directory_scope_id = rng() % 10 == 0 ? Pick(scopes) : "/";
    s.created_using = Guid();
    s.start = kNow - Duration::Seconds(static_cast<int64_t>(rng() % 28800));
    s.end = kNow + Duration::Seconds(60 + static_cast<int64_t>(rng() % 28800));
    s.expiration_type = ExpirationType::kAfterDateTime;
    return s;
  }

  World() {
    for (int i = 0; i < kUsers; ++i) users.push_back(Guid());
    for (int i = 0; i < kGroups; ++i) groups.push_back(Guid());
    for (int i = 0; i < 100; ++i) scopes.push_back("/administrativeunits/" + Guid());
    eligibilities.reserve(kEligibilities);
    for (int i = 0; i < kEligibilities; ++i) {
      Schedule s = Make(ScheduleKind::kEligibility, Pick(users));
      s.end = Timestamp::Max();
      s.expiration_type = ExpirationType::kNoExpiration;
      eligibilities.push_back(std::move(s));
    }
    assignments.reserve(kAssignments);
    for (int i = 0; i < kAssignments; ++i) {
      const std::string& p = i < kGroupAssignments ? Pick(groups) : Pick(users);
      Schedule s = Make(ScheduleKind::kAssignment, p);
      s.assignment_type = "Activated";
      s.activated_using = Pick(eligibilities).id;
      assignments.push_back(std::move(s));
    }

    size_t before = mallinfo2().uordblks;
    for (size_t g = 0; g < groups.size(); ++g) {
      std::vector<std::string> members;
      for (int m = 0; m < kGroupSize; ++m) members.push_back(Pick(users));
      index.SetGroupMembers(groups[g], members);
    }
    for (const Schedule& s : assignments) index.UpsertAssignment(s);
    heap_bytes = mallinfo2().uordblks - before;

    // Half the queries ask about an existing grant (the holder or a random user), half about a
    // random user and role; ~2% name a principal the index has never seen.
    queries.reserve(kQueries);
    for (size_t i = 0; i < kQueries; ++i) {
      Query q;
      if (rng() % 2 == 0) {
        const Schedule& s = Pick(assignments);
        q = {s.principal_id, s.role_definition_id, s.directory_scope_id};
      } else {
        q = {Pick(users), Pick(Roles()), rng() % 10 == 0 ? Pick(scopes) : "/"};
      }
      if (rng() % 50 == 0) q.principal = Pick(eligibilities).id;  // unknown principal
      queries.push_back(std::move(q));
    }
  }
};

World& TheWorld() {
  static World* world = new World();  // built once, never destroyed (benchmark process)
  return *world;
}

void SetMemoryCounters(benchmark::State& state, const World& w) {
  double n = static_cast<double>(w.index.AssignmentCount());
  state.counters["assignments"] = n;
  state.counters["eligibilities"] = static_cast<double>(w.eligibilities.size());
  state.counters["index_bytes_per_assignment"] = static_cast<double>(w.index.MemoryBytes()) / n;
  state.counters["heap_bytes_per_assignment"] = static_cast<double>(w.heap_bytes) / n;
}

void BM_HasRole(benchmark::State& state) {
  World& w = TheWorld();
  size_t i = static_cast<size_t>(state.thread_index()) * 7919, hits = 0;
  for (auto _ : state) {
    const Query& q = w.queries[i++ & (kQueries - 1)];
    Decision d = w.index.HasRole(q.principal, q.role, q.scope, kNow);
    hits += d.allowed;
    benchmark::DoNotOptimize(d);
  }
  state.counters["decisions_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["hit_ratio"] = benchmark::Counter(
      static_cast<double>(hits) / static_cast<double>(std::max<int64_t>(1, state.iterations())),
      benchmark::Counter::kAvgThreads);
  if (state.thread_index() == 0) SetMemoryCounters(state, w);
}
BENCHMARK(BM_HasRole)->Threads(1)->Threads(2)->UseRealTime()->MinTime(2.0);

void BM_HasPermission(benchmark::State& state) {
  World& w = TheWorld();
  static const bool once = [&] {
    for (const std::string& r : Roles()) {
      w.index.SetRolePermissions(
          r, {"microsoft.directory/users/allTasks", "microsoft.directory/groups/create"},
          {"microsoft.directory/users/delete"});
    }
    return true;
  }();
  benchmark::DoNotOptimize(once);
  static const std::string kAction = "microsoft.directory/users/password/update";
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    const Query& q = w.queries[i++ & (kQueries - 1)];
    Decision d = w.index.HasPermission(q.principal, kAction, q.scope, kNow);
    hits += d.allowed;
    benchmark::DoNotOptimize(d);
  }
  state.counters["decisions_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["hit_ratio"] = benchmark::Counter(
      static_cast<double>(hits) / static_cast<double>(std::max<int64_t>(1, state.iterations())),
      benchmark::Counter::kAvgThreads);
}
BENCHMARK(BM_HasPermission)->UseRealTime()->MinTime(2.0);

}  // namespace
}  // namespace pim

BENCHMARK_MAIN();
