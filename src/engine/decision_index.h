// DecisionIndex: the in-memory index that answers "does principal P hold role R (or may P perform
// action A) at scope S at instant T" without touching the store.
//
// Contents (the engine feeds it from the store at start-up and after every committed change):
//   - active-assignment schedules (including ones whose start is in the future),
//   - group memberships (direct members of each group; nested groups allowed, cycles tolerated),
//   - each role's allowed and excluded resource actions.
//
// Semantics. P holds role R at scope S at instant T iff some assignment schedule
//   - whose principal is P, or a group P is a member of (transitively through nested groups),
//   - has role R,
//   - has a directory scope that covers S (ScopeCovers: "/a" covers "/a" and "/a/b", not "/ab"),
//   - and is active at T: start <= T < end and not removed (Schedule::ActiveAt).
// P may perform action A at scope S at T iff P holds, in that sense, some role R whose allowed
// actions match A and none of whose excluded actions match A. An action pattern matches A when it
// is equal to A (ASCII case-insensitively), or when it ends in "/allTasks" and A starts with the
// pattern minus "allTasks" (so "microsoft.directory/users/allTasks" matches
// "microsoft.directory/users/password/update"). No other wildcards are interpreted.
//
// The returned Decision names the granting schedule and, for a grant held through a group, the
// group that holds the schedule (the one nearest in the membership graph is not guaranteed; a
// direct grant is always preferred over a group grant).
//
// Inputs: ids are compared exactly (byte for byte) and not validated. Stored scopes are
// lowercased; callers pass canonical scopes (NormalizeScope) to the queries. Ids of 36 bytes (the
// text of a GUID, as all of pim's ids are) are kept inline; other ids work too but cost a heap
// string, and a non-36-byte principal id stays interned for the life of the index.
//
// Thread-safety: all methods may be called concurrently from any thread. Queries take only shared
// locks, on one shard at a time (readers never block each other), and allocate only the strings of
// the returned Decision (and a list when the principal is in more than 32 groups). Writers lock
// the shards they change. A query racing with writes to different shards (e.g. a membership
// change and an assignment) may observe either write first.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/time.h"
#include "engine/decision.h"

namespace pim {

class DecisionIndex {
 public:
  DecisionIndex();
  ~DecisionIndex();
  DecisionIndex(const DecisionIndex&) = delete;
  DecisionIndex& operator=(const DecisionIndex&) = delete;

  // Replaces the permissions of `role_id` (a role without permissions grants no action).
  void SetRolePermissions(const std::string& role_id, std::vector<std::string> allowed_actions,
                          std::vector<std::string> excluded_actions);

  // Inserts or replaces (same schedule id) an assignment schedule. A schedule that can never be
  // active (kind kEligibility, `removed` set, or end <= start) removes any previous version.
  void UpsertAssignment(const Schedule& assignment);
  // Removes the schedule with this id; unknown ids are ignored.
  void RemoveAssignment(const std::string& schedule_id);

  // Replaces the direct members (users, service principals or groups) of `group_id`. An empty
  // list removes the group's memberships.
  void SetGroupMembers(const std::string& group_id, const std::vector<std::string>& member_ids);

  Decision HasRole(const std::string& principal, const std::string& role, const std::string& scope,
                   Timestamp at) const;
  Decision HasPermission(const std::string& principal, const std::string& action,
                         const std::string& scope, Timestamp at) const;

  // Approximate heap bytes held by the index (tables, entries, strings).
  size_t MemoryBytes() const;
  // Number of schedules currently indexed.
  size_t AssignmentCount() const;
  // Number of indexed schedules active at `at` (start <= at < end). Visits the indexed
  // schedules (the live ones, not the history), one shard at a time under its shared lock.
  size_t ActiveAssignmentCount(Timestamp at) const;

 private:
  struct Impl;  // shards, schedule table, group graph, permissions (decision_index.cc)
  std::unique_ptr<Impl> impl_;
};

}  // namespace pim
