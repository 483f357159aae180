// The engine's cost of one activation, in process: PimService over a MemoryStore (commits are
// in memory: no SQLite, no HTTP), so what is timed is policy, state, audit sealing and encoding.
// Each iteration activates a (user, role) pair and deactivates it again (two requests). As in
// pimd's request handlers, the requests run in a DeferCommits scope (the caller does not wait for
// each commit); the benchmark waits for durability every 64 iterations. Linked with tcmalloc, as
// pimd is.
//
//   BM_ActivateDeactivate/groups:G   G groups of 50 users each exist besides the 1,000 active
//                                    users (none of them in a group), as in a real directory.
//   BM_ActivateDeactivateWithHistory/history:H
//                                    one user activates and deactivates one role over and over,
//                                    after H such rounds (each leaves two requests and a schedule
//                                    in the user's history): what a long history costs.
//
// Counters: requests_per_s (both requests of an iteration counted) and s_per_request (printed
// with an SI prefix: 20u is 20 µs).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "auth/crypto.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/role_catalog.h"
#include "engine/deferred_commit.h"
#include "engine/pim_service.h"
#include "store/memory_store.h"

namespace pim {
namespace {

constexpr int kUsers = 1000;
constexpr int kGroupSize = 50;
const char* const kRoles[] = {role_ids::kSecurityAdministrator, role_ids::kHelpdeskAdministrator,
                              role_ids::kUserAdministrator};

class World {
 public:
  explicit World(int groups) {
    if (!InitCrypto().ok()) Die("crypto");
    char tmpl[] = "/tmp/pim-bench-activate-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) Die("mkdtemp");
    dir_ = tmpl;
    auto signer = AuditSigner::LoadOrCreate(dir_ + "/audit.key");
    if (!signer.ok()) Die("signer");
    signer_ = std::make_unique<AuditSigner>(std::move(signer).value());
    options_.password_cost = {8192, 1};
    svc_ = std::make_unique<PimService>(store_, clock_, ids_, *signer_, secrets_, options_);
    if (!svc_->Load().ok()) Die("load");
    auto admin = svc_->Bootstrap("admin@pim.local", "correct horse battery staple");
    if (!admin.ok()) Die("bootstrap");
    admin_ = Caller{};
    admin_.principal_id = admin->id;
    admin_.mfa_time = clock_.Now();
    for (int i = 0; i < kUsers; ++i) {
      std::string id = NewUser("user" + std::to_string(i));
      users_.push_back(id);
      for (const char* role : kRoles) Eligible(id, role);
    }
    for (int g = 0; g < groups; ++g) {
      std::vector<std::string> members;
      for (int m = 0; m < kGroupSize; ++m) {
        members.push_back(NewUser("g" + std::to_string(g) + "m" + std::to_string(m)));
      }
      auto group = svc_->CreateGroup(admin_, {"group " + std::to_string(g), "", true, members});
      if (!group.ok()) Die("group");
    }
  }
  ~World() {
    svc_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Activates then deactivates pair `n` (a user and one of three roles); false on a refusal.
  bool ActivateDeactivate(size_t n) {
    const std::string& user = users_[n % users_.size()];
    const char* role = kRoles[(n / users_.size()) % 3];
    Caller caller;
    caller.principal_id = user;
    caller.mfa_time = clock_.Now();
    ScheduleRequestInput in = Input(RequestAction::kSelfActivate, user, role);
    in.schedule_info.type = ExpirationType::kAfterDuration;
    in.schedule_info.duration = Duration::Hours(1);
    if (!svc_->SubmitRequest(caller, in).ok()) return false;
    return svc_->SubmitRequest(caller, Input(RequestAction::kSelfDeactivate, user, role)).ok();
  }

 private:
  [[noreturn]] static void Die(const char* what) {
    std::fprintf(stderr, "bench_activate: set-up failed: %s\n", what);
    std::exit(1);
  }
  static ScheduleRequestInput Input(RequestAction action, const std::string& who,
                                    const std::string& role) {
    ScheduleRequestInput in;
    in.kind = ScheduleKind::kAssignment;
    in.action = action;
    in.principal_id = who;
    in.role_definition_id = role;
    in.directory_scope_id = "/";
    in.justification = "benchmark";
    return in;
  }
  std::string NewUser(const std::string& name) {
    NewUser_ u;
    u.display_name = name;
    u.user_principal_name = name + "@pim.local";
    u.password = "correct horse battery staple";
    auto p = svc_->CreateUser(admin_, u);
    if (!p.ok()) Die("user");
    return p->id;
  }
  void Eligible(const std::string& who, const std::string& role) {
    ScheduleRequestInput in = Input(RequestAction::kAdminAssign, who, role);
    in.kind = ScheduleKind::kEligibility;
    if (!svc_->SubmitRequest(admin_, in).ok()) Die("eligibility");
  }
  using NewUser_ = ::pim::NewUser;

  std::string dir_;
  MemoryStore store_;
  FakeClock clock_;
  SequentialIdGenerator ids_;
  std::unique_ptr<AuditSigner> signer_;
  SecretBox secrets_ = SecretBox::FromKey(std::string(32, 'k'));
  EngineOptions options_;
  std::unique_ptr<PimService> svc_;
  Caller admin_;
  std::vector<std::string> users_;
};

void WaitDurable(const std::shared_ptr<PendingDurability>& pending) {
  std::promise<void> done;
  WhenDurable(pending, [&done] { done.set_value(); });
  done.get_future().wait();
}

// Both requests of each iteration counted.
void SetRequestCounters(benchmark::State& state) {
  const double requests = 2.0 * static_cast<double>(state.iterations());
  state.counters["requests_per_s"] = benchmark::Counter(requests, benchmark::Counter::kIsRate);
  state.counters["s_per_request"] =
      benchmark::Counter(requests, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_ActivateDeactivate(benchmark::State& state) {
  World world(static_cast<int>(state.range(0)));
  size_t n = 0;
  std::shared_ptr<PendingDurability> last;
  for (auto _ : state) {
    bool ok = false;
    {
      DeferCommits scope;
      ok = world.ActivateDeactivate(n++);
      if (scope.pending()) last = scope.pending();
    }
    if (!ok) {
      state.SkipWithError("a request was refused");
      break;
    }
    if (n % 64 == 0) WaitDurable(last);
  }
  WaitDurable(last);
  SetRequestCounters(state);
}
BENCHMARK(BM_ActivateDeactivate)
    ->ArgName("groups")
    ->Arg(0)
    ->Arg(1000)
    ->Unit(benchmark::kMicrosecond);

void BM_ActivateDeactivateWithHistory(benchmark::State& state) {
  World world(0);
  for (int64_t i = 0; i < state.range(0); ++i) {
    if (!world.ActivateDeactivate(0)) {
      state.SkipWithError("a set-up request was refused");
      return;
    }
  }
  for (auto _ : state) {
    if (!world.ActivateDeactivate(0)) {  // pair 0 every time: one user, one role
      state.SkipWithError("a request was refused");
      break;
    }
  }
  SetRequestCounters(state);
}
BENCHMARK(BM_ActivateDeactivateWithHistory)
    ->ArgName("history")
    ->Arg(0)
    ->Arg(20000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace pim

BENCHMARK_MAIN();
