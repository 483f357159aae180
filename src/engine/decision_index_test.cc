#include "engine/decision_index.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"

namespace pim {
namespace {

constexpr char kRole[] = "62e90394-69f5-4237-9190-012177145e10";
constexpr char kOtherRole[] = "e8611ab8-c189-46e8-94e1-60213ab1f814";

class DecisionIndexTest : public ::testing::Test {
 protected:
  Schedule Assignment(std::string id, std::string principal, std::string role = kRole,
                      std::string scope = "/", Duration length = Duration::Hours(1)) {
    Schedule s;
    s.id = std::move(id);
    s.kind = ScheduleKind::kAssignment;
    s.assignment_type = "Activated";
    s.principal_id = std::move(principal);
    s.role_definition_id = std::move(role);
    s.directory_scope_id = std::move(scope);
    s.start = clock_.Now();
    s.end = clock_.Now() + length;
    return s;
  }
  bool Holds(const std::string& p, const std::string& role = kRole,
             const std::string& scope = "/") {
    return index_.HasRole(p, role, scope, clock_.Now()).allowed;
  }

  FakeClock clock_;
  DecisionIndex index_;
};

TEST_F(DecisionIndexTest, GrantsDirectAssignmentAndNamesIt) {
  index_.UpsertAssignment(Assignment("s1", "alice"));
  Decision d = index_.HasRole("alice", kRole, "/", clock_.Now());
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.schedule_id, "s1");
  EXPECT_EQ(d.role_definition_id, kRole);
  EXPECT_EQ(d.via_group_id, "");
  EXPECT_FALSE(Holds("alice", kOtherRole));
  EXPECT_FALSE(Holds("bob"));
  EXPECT_FALSE(index_.HasRole("bob", kRole, "/", clock_.Now()).allowed);
}

// pim's ids are lowercase GUIDs, which the index stores in binary: they must read back exactly.
TEST_F(DecisionIndexTest, GuidIdsReadBackExactly) {
  const std::string user = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  const std::string sid = "ffffffff-0000-4000-8000-00000000abcd";
  const std::string group = "12345678-9abc-4def-8123-456789abcdef";
  index_.UpsertAssignment(Assignment(sid, user));
  Decision d = index_.HasRole(user, kRole, "/", clock_.Now());
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.schedule_id, sid);
  // Ids are compared exactly: the uppercase spelling is another principal.
  EXPECT_FALSE(Holds("0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"));
  EXPECT_FALSE(Holds("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4e"));

  index_.SetGroupMembers(group, {"alice"});
  index_.UpsertAssignment(Assignment("text-schedule", group));
  d = index_.HasRole("alice", kRole, "/", clock_.Now());
  EXPECT_EQ(d.schedule_id, "text-schedule");
  EXPECT_EQ(d.via_group_id, group);

  index_.RemoveAssignment(sid);
  EXPECT_FALSE(Holds(user));
  EXPECT_EQ(index_.AssignmentCount(), 1u);
}

TEST_F(DecisionIndexTest, ExpiresExactlyAtEndInstant) {
  Schedule s = Assignment("s1", "alice");
  index_.UpsertAssignment(s);
  EXPECT_TRUE(index_.HasRole("alice", kRole, "/", s.end - Duration::Micros(1)).allowed);
  EXPECT_FALSE(index_.HasRole("alice", kRole, "/", s.end).allowed);
  clock_.Set(s.end);
  EXPECT_FALSE(Holds("alice"));
}

TEST_F(DecisionIndexTest, FutureStartIsNotYetActive) {
  Schedule s = Assignment("s1", "alice");
  s.start = clock_.Now() + Duration::Minutes(10);
  s.end = s.start + Duration::Hours(1);
  index_.UpsertAssignment(s);
  EXPECT_FALSE(Holds("alice"));
  EXPECT_FALSE(index_.HasRole("alice", kRole, "/", s.start - Duration::Micros(1)).allowed);
  clock_.Advance(Duration::Minutes(10));
  EXPECT_TRUE(Holds("alice"));
}

TEST_F(DecisionIndexTest, CountsTheAssignmentsActiveAtAnInstant) {
  EXPECT_EQ(index_.ActiveAssignmentCount(clock_.Now()), 0u);
  index_.UpsertAssignment(Assignment("now", "alice"));             // [now, now + 1h)
  index_.UpsertAssignment(Assignment("group", "g1", kOtherRole));  // held by a group
  Schedule later = Assignment("later", "bob");
  later.start = clock_.Now() + Duration::Minutes(30);
  later.end = later.start + Duration::Hours(1);
  index_.UpsertAssignment(later);  // [now + 30m, now + 1h30m)
  Schedule removed = Assignment("removed", "carol");
  removed.removed = clock_.Now();
  index_.UpsertAssignment(removed);
  index_.UpsertAssignment(Assignment("gone", "dave"));
  index_.RemoveAssignment("gone");
  EXPECT_EQ(index_.ActiveAssignmentCount(clock_.Now()), 2u);
  EXPECT_EQ(index_.ActiveAssignmentCount(later.start - Duration::Micros(1)), 2u);
  EXPECT_EQ(index_.ActiveAssignmentCount(later.start), 3u);
  EXPECT_EQ(index_.ActiveAssignmentCount(clock_.Now() + Duration::Hours(1)), 1u);  // end instant
  EXPECT_EQ(index_.ActiveAssignmentCount(later.end), 0u);
  EXPECT_EQ(index_.AssignmentCount(), 3u);
}

TEST_F(DecisionIndexTest, NoExpirationLastsForever) {
  Schedule s = Assignment("s1", "alice");
  s.end = Timestamp::Max();
  index_.UpsertAssignment(s);
  EXPECT_TRUE(index_.HasRole("alice", kRole, "/", Timestamp::FromSeconds(4102444800)).allowed);
}

TEST_F(DecisionIndexTest, RemovalRevokesAtOnce) {
  index_.UpsertAssignment(Assignment("s1", "alice"));
  index_.UpsertAssignment(Assignment("s2", "bob"));
  EXPECT_EQ(index_.AssignmentCount(), 2u);
  index_.RemoveAssignment("s1");
  EXPECT_FALSE(Holds("alice"));
  EXPECT_TRUE(Holds("bob"));
  EXPECT_EQ(index_.AssignmentCount(), 1u);
  index_.RemoveAssignment("unknown");  // ignored
  EXPECT_EQ(index_.AssignmentCount(), 1u);

  Schedule s2 = Assignment("s2", "bob");
  s2.removed = clock_.Now();  // deactivated: an upsert with `removed` drops it
  index_.UpsertAssignment(s2);
  EXPECT_FALSE(Holds("bob"));
  EXPECT_EQ(index_.AssignmentCount(), 0u);
}

TEST_F(DecisionIndexTest, UpsertReplacesSameId) {
  index_.UpsertAssignment(Assignment("s1", "alice", kRole, "/", Duration::Hours(1)));
  index_.UpsertAssignment(Assignment("s1", "alice", kRole, "/", Duration::Hours(3)));  // extend
  EXPECT_EQ(index_.AssignmentCount(), 1u);
  EXPECT_TRUE(index_.HasRole("alice", kRole, "/", clock_.Now() + Duration::Hours(2)).allowed);

  index_.UpsertAssignment(Assignment("s1", "bob"));  // moved to another principal
  EXPECT_FALSE(Holds("alice"));
  EXPECT_TRUE(Holds("bob"));
  EXPECT_EQ(index_.AssignmentCount(), 1u);
}

TEST_F(DecisionIndexTest, IgnoresEligibilitySchedules) {
  Schedule s = Assignment("e1", "alice");
  s.kind = ScheduleKind::kEligibility;
  index_.UpsertAssignment(s);
  EXPECT_FALSE(Holds("alice"));
  EXPECT_EQ(index_.AssignmentCount(), 0u);
}

TEST_F(DecisionIndexTest, ScopeCoversOnlyDescendants) {
  index_.UpsertAssignment(Assignment("s1", "alice", kRole, "/a"));
  EXPECT_TRUE(Holds("alice", kRole, "/a"));
  EXPECT_TRUE(Holds("alice", kRole, "/a/b"));
  EXPECT_FALSE(Holds("alice", kRole, "/ab"));
  EXPECT_FALSE(Holds("alice", kRole, "/"));
  EXPECT_FALSE(Holds("alice", kRole, "/b"));

  index_.UpsertAssignment(Assignment("s2", "bob", kRole, "/"));
  EXPECT_TRUE(Holds("bob", kRole, "/ab/c"));
}

TEST_F(DecisionIndexTest, StoredScopesAreLowercased) {
  index_.UpsertAssignment(Assignment("s1", "alice", kRole, "/Admin/Units"));
  EXPECT_TRUE(Holds("alice", kRole, "/admin/units/x"));
}

TEST_F(DecisionIndexTest, NestedGroupsGrantTransitively) {
  index_.SetGroupMembers("g-inner", {"alice"});
  index_.SetGroupMembers("g-outer", {"g-inner"});
  index_.UpsertAssignment(Assignment("s1", "g-outer"));
  Decision d = index_.HasRole("alice", kRole, "/", clock_.Now());
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.schedule_id, "s1");
  EXPECT_EQ(d.via_group_id, "g-outer");
  EXPECT_TRUE(Holds("g-inner"));
  EXPECT_FALSE(Holds("bob"));

  index_.SetGroupMembers("g-inner", {"bob"});  // alice leaves
  EXPECT_FALSE(Holds("alice"));
  EXPECT_TRUE(Holds("bob"));
  index_.SetGroupMembers("g-outer", {});  // the chain is cut
  EXPECT_FALSE(Holds("bob"));
  EXPECT_FALSE(Holds("g-inner"));
}

TEST_F(DecisionIndexTest, MembershipSetBeforeGroupAssignment) {
  index_.UpsertAssignment(Assignment("s1", "g"));
  index_.SetGroupMembers("g", {"alice"});
  EXPECT_TRUE(Holds("alice"));
  index_.RemoveAssignment("s1");
  EXPECT_FALSE(Holds("alice"));
}

TEST_F(DecisionIndexTest, DirectGrantPreferredOverGroup) {
  index_.SetGroupMembers("g", {"alice"});
  index_.UpsertAssignment(Assignment("s-group", "g"));
  index_.UpsertAssignment(Assignment("s-direct", "alice"));
  Decision d = index_.HasRole("alice", kRole, "/", clock_.Now());
  EXPECT_EQ(d.schedule_id, "s-direct");
  EXPECT_EQ(d.via_group_id, "");
}

TEST_F(DecisionIndexTest, GroupCyclesTerminate) {
  index_.SetGroupMembers("g1", {"g2", "alice"});
  index_.SetGroupMembers("g2", {"g1", "g3"});
  index_.SetGroupMembers("g3", {"g3", "bob"});  // self-membership
  index_.UpsertAssignment(Assignment("s1", "g1"));
  EXPECT_TRUE(Holds("alice"));
  EXPECT_TRUE(Holds("bob"));  // bob -> g3 -> g2 -> g1
  EXPECT_TRUE(Holds("g2"));
  EXPECT_TRUE(Holds("g1"));
  EXPECT_FALSE(Holds("carol"));
  index_.SetGroupMembers("g2", {"g1"});  // g3 leaves the cycle
  EXPECT_FALSE(Holds("bob"));
  EXPECT_TRUE(Holds("alice"));
}

TEST_F(DecisionIndexTest, PermissionsExactWildcardAndExcluded) {
  index_.SetRolePermissions(
      kRole, {"microsoft.directory/users/allTasks", "microsoft.directory/groups/create"},
      {"microsoft.directory/users/delete"});
  index_.UpsertAssignment(Assignment("s1", "alice", kRole, "/a"));
  auto can = [&](const std::string& action, const std::string& scope = "/a") {
    return index_.HasPermission("alice", action, scope, clock_.Now()).allowed;
  };
  EXPECT_TRUE(can("microsoft.directory/groups/create"));
  EXPECT_TRUE(can("Microsoft.Directory/Groups/Create"));  // case-insensitive
  EXPECT_FALSE(can("microsoft.directory/groups/delete"));
  EXPECT_FALSE(can("microsoft.directory/groups/createX"));
  EXPECT_TRUE(can("microsoft.directory/users/password/update"));
  EXPECT_FALSE(can("microsoft.directory/users"));  // the prefix alone is not an action
  EXPECT_FALSE(can("microsoft.directory/usersX/read"));
  EXPECT_FALSE(can("microsoft.directory/users/delete"));        // excluded
  EXPECT_FALSE(can("microsoft.directory/groups/create", "/"));  // scope not covered

  Decision d =
      index_.HasPermission("alice", "microsoft.directory/users/read", "/a/b", clock_.Now());
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.schedule_id, "s1");
  EXPECT_EQ(d.role_definition_id, kRole);
}

TEST_F(DecisionIndexTest, PermissionFromAnyHeldRole) {
  index_.SetRolePermissions(kRole, {"a/read"}, {});
  index_.SetRolePermissions(kOtherRole, {"a/write"}, {});
  index_.SetGroupMembers("g", {"alice"});
  index_.UpsertAssignment(Assignment("s1", "alice", kRole));
  index_.UpsertAssignment(Assignment("s2", "g", kOtherRole));
  EXPECT_TRUE(index_.HasPermission("alice", "a/read", "/", clock_.Now()).allowed);
  Decision d = index_.HasPermission("alice", "a/write", "/", clock_.Now());
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.via_group_id, "g");
  EXPECT_EQ(d.role_definition_id, kOtherRole);
  EXPECT_FALSE(index_.HasPermission("alice", "a/delete", "/", clock_.Now()).allowed);

  index_.SetRolePermissions(kOtherRole, {}, {});  // permissions replaced
  EXPECT_FALSE(index_.HasPermission("alice", "a/write", "/", clock_.Now()).allowed);
  clock_.Advance(Duration::Hours(1));
  EXPECT_FALSE(index_.HasPermission("alice", "a/read", "/", clock_.Now()).allowed);
}

TEST_F(DecisionIndexTest, MemoryGrowsAndShrinksWithAssignments) {
  size_t empty = index_.MemoryBytes();
  for (int i = 0; i < 1000; ++i) {
    index_.UpsertAssignment(Assignment("schedule-" + std::to_string(i) + "-0123456789abcdef",
                                       "principal-" + std::to_string(i) + "-0123456789abcdef"));
  }
  size_t full = index_.MemoryBytes();
  EXPECT_GT(full, empty + 1000 * 100);
  for (int i = 0; i < 1000; ++i) {
    index_.RemoveAssignment("schedule-" + std::to_string(i) + "-0123456789abcdef");
  }
  EXPECT_LT(index_.MemoryBytes(), full);
  EXPECT_EQ(index_.AssignmentCount(), 0u);
}

// Readers keep answering correctly while a writer churns other schedules and groups.
// Run under TSan by hand: cmake -DCMAKE_CXX_FLAGS=-fsanitize=thread ...
TEST_F(DecisionIndexTest, ConcurrentReadersAndWriter) {
  index_.UpsertAssignment(Assignment("stable", "alice", kRole, "/", Duration::Days(1)));
  index_.SetGroupMembers("g-stable", {"bob"});
  index_.UpsertAssignment(Assignment("stable-g", "g-stable", kRole, "/", Duration::Days(1)));
  const Timestamp now = clock_.Now();
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::atomic<long> reads{0};

  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      long n = 0;
      while (!done.load(std::memory_order_relaxed) || n < 1000) {
        if (!index_.HasRole("alice", kRole, "/x", now).allowed) ++wrong;
        if (!index_.HasRole("bob", kRole, "/", now).allowed) ++wrong;
        if (index_.HasRole("mallory", kRole, "/", now).allowed) ++wrong;
        index_.HasRole("churn-" + std::to_string(n % 50), kRole, "/", now);
        index_.HasPermission("churn-" + std::to_string((n + r) % 50), "a/read", "/", now);
        ++n;
      }
      reads += n;
    });
  }
  for (int i = 0; i < 5000; ++i) {
    std::string p = "churn-" + std::to_string(i % 50);
    index_.UpsertAssignment(Assignment("c" + std::to_string(i % 200), p));
    if (i % 3 == 0) index_.RemoveAssignment("c" + std::to_string((i + 100) % 200));
    if (i % 10 == 0) index_.SetGroupMembers("g-churn", {p, "churn-" + std::to_string(i % 7)});
    if (i % 25 == 0) index_.SetRolePermissions(kRole, {"a/read"}, {});
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GE(reads.load(), 3000);
  EXPECT_TRUE(Holds("alice"));
}

}  // namespace
}  // namespace pim
