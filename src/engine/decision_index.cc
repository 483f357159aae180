#include "engine/decision_index.h"

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <deque>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "core/ids.h"
#include "core/scope.h"

namespace pim {
namespace {

// Heterogeneous (string_view) lookup so queries never build a std::string key.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// One indexed assignment schedule. Role and scope are interned per shard.
struct Entry {
  uint32_t role;
  uint32_t scope;
  int64_t start_us;
  int64_t end_us;
  std::string schedule_id;
};

// What the index knows about one principal. `groups` is the transitive closure of the groups the
// principal is a member of (never the principal itself); the pointers address immutable strings
// owned by GroupGraph::names, which are never freed, so readers may use them without a lock.
struct Node {
  boost::container::small_vector<Entry, 1> entries;
  std::vector<const std::string*> groups;
};

// Approximate size of the malloc block that holds `n` bytes (glibc: 8-byte header, 16-byte
// alignment, 32-byte minimum).
size_t Block(size_t n) { return n == 0 ? 0 : std::max<size_t>(32, (n + 8 + 15) & ~size_t{15}); }
// Heap bytes of a std::string beyond the object (libstdc++ keeps up to 15 chars inline).
size_t StrHeap(const std::string& s) { return s.capacity() > 15 ? Block(s.capacity() + 1) : 0; }
template <typename Map>
size_t TableBytes(const Map& m) {
  return Block(m.bucket_count() * sizeof(void*)) +
         m.size() * Block(sizeof(typename Map::value_type) + sizeof(void*));
}

// True when the action pattern `pattern` covers `action` (see the header for the rules).
bool ActionMatches(std::string_view pattern, std::string_view action) {
  if (EqualsIgnoreCase(pattern, action)) return true;
  constexpr std::string_view kAllTasks = "/allTasks";
  if (pattern.size() < kAllTasks.size() ||
      !EqualsIgnoreCase(pattern.substr(pattern.size() - kAllTasks.size()), kAllTasks)) {
    return false;
  }
  std::string_view prefix = pattern.substr(0, pattern.size() - kAllTasks.size() + 1);  // keeps '/'
  return action.size() > prefix.size() && EqualsIgnoreCase(action.substr(0, prefix.size()), prefix);
}

uint32_t Intern(StringMap<uint32_t>& ids, std::vector<std::string>& names, std::string_view s) {
  auto it = ids.find(s);
  if (it != ids.end()) return it->second;
  auto id = static_cast<uint32_t>(names.size());
  names.emplace_back(s);
  ids.emplace(std::string(s), id);
  return id;
}

constexpr uint32_t kNoRole = UINT32_MAX;

}  // namespace

struct DecisionIndex::Shard {
  mutable std::shared_mutex mu;
  StringMap<Node> principals;
  StringMap<uint32_t> role_ids;
  std::vector<std::string> roles;
  StringMap<uint32_t> scope_ids;
  std::vector<std::string> scopes;

  uint32_t RoleId(std::string_view role) const {
    auto it = role_ids.find(role);
    return it == role_ids.end() ? kNoRole : it->second;
  }
};

struct DecisionIndex::ScheduleShard {
  mutable std::shared_mutex mu;
  StringMap<std::string> principal_of;  // schedule id -> principal id
};

struct DecisionIndex::GroupGraph {
  std::mutex mu;                  // serialises SetGroupMembers; readers never take it
  std::deque<std::string> names;  // interned group ids; stable addresses, never freed
  StringMap<const std::string*> name_of;
  StringMap<std::vector<std::string>> members;         // group -> direct members
  StringMap<std::vector<const std::string*>> parents;  // principal -> groups listing it

  const std::string* InternGroup(std::string_view id) {
    auto it = name_of.find(id);
    if (it != name_of.end()) return it->second;
    const std::string* p = &names.emplace_back(id);
    name_of.emplace(*p, p);
    return p;
  }
  // Every principal reachable from `group` through member edges (the group excluded unless in a
  // cycle), added to `out`.
  void Descendants(const std::string& group, StringSet& out) const {
    std::vector<std::string_view> stack{group};
    while (!stack.empty()) {
      std::string_view g = stack.back();
      stack.pop_back();
      auto it = members.find(g);
      if (it == members.end()) continue;
      for (const std::string& m : it->second) {
        if (out.insert(m).second) stack.push_back(m);
      }
    }
  }
  // The transitive closure of the groups `principal` belongs to, excluding itself.
  std::vector<const std::string*> Closure(std::string_view principal) const {
    std::vector<const std::string*> out;
    std::vector<std::string_view> stack{principal};
    std::unordered_set<const std::string*> seen;
    while (!stack.empty()) {
      std::string_view p = stack.back();
      stack.pop_back();
      auto it = parents.find(p);
      if (it == parents.end()) continue;
      for (const std::string* g : it->second) {
        if (!seen.insert(g).second) continue;
        if (*g != principal) out.push_back(g);
        stack.push_back(*g);
      }
    }
    return out;
  }
};

struct DecisionIndex::Permissions {
  mutable std::shared_mutex mu;
  struct Role {
    std::vector<std::string> allowed;
    std::vector<std::string> excluded;
  };
  StringMap<Role> roles;

  // True when `role` grants `action`. Caller holds mu (shared).
  bool Grants(std::string_view role, std::string_view action) const {
    auto it = roles.find(role);
    if (it == roles.end()) return false;
    auto matches = [&](const std::string& p) { return ActionMatches(p, action); };
    return std::any_of(it->second.allowed.begin(), it->second.allowed.end(), matches) &&
           std::none_of(it->second.excluded.begin(), it->second.excluded.end(), matches);
  }
};

DecisionIndex::DecisionIndex()
    : groups_(std::make_unique<GroupGraph>()), permissions_(std::make_unique<Permissions>()) {
  for (auto& s : shards_) s = std::make_unique<Shard>();
  for (auto& s : schedule_shards_) s = std::make_unique<ScheduleShard>();
}

DecisionIndex::~DecisionIndex() = default;

DecisionIndex::Shard& DecisionIndex::ShardFor(std::string_view principal) const {
  size_t h = StringHash{}(principal);
  return *shards_[(h ^ (h >> 29)) % kShards];
}

DecisionIndex::ScheduleShard& DecisionIndex::ScheduleShardFor(std::string_view schedule_id) const {
  size_t h = StringHash{}(schedule_id);
  return *schedule_shards_[(h ^ (h >> 29)) % kShards];
}

void DecisionIndex::SetRolePermissions(const std::string& role_id,
                                       std::vector<std::string> allowed_actions,
                                       std::vector<std::string> excluded_actions) {
  std::unique_lock lock(permissions_->mu);
  permissions_->roles[role_id] = {std::move(allowed_actions), std::move(excluded_actions)};
}

void DecisionIndex::AddEntry(const Schedule& s) {
  Shard& sh = ShardFor(s.principal_id);
  std::unique_lock lock(sh.mu);
  Entry e;
  e.role = Intern(sh.role_ids, sh.roles, s.role_definition_id);
  e.scope = Intern(sh.scope_ids, sh.scopes, ToLower(s.directory_scope_id));
  e.start_us = s.start.micros();
  e.end_us = s.end.micros();
  e.schedule_id = s.id;
  sh.principals[s.principal_id].entries.push_back(std::move(e));
}

void DecisionIndex::RemoveEntry(const std::string& principal, std::string_view schedule_id) {
  Shard& sh = ShardFor(principal);
  std::unique_lock lock(sh.mu);
  auto it = sh.principals.find(principal);
  if (it == sh.principals.end()) return;
  auto& entries = it->second.entries;
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [&](const Entry& e) { return e.schedule_id == schedule_id; }),
                entries.end());
  if (entries.empty() && it->second.groups.empty()) sh.principals.erase(it);
}

void DecisionIndex::UpsertAssignment(const Schedule& s) {
  if (s.kind != ScheduleKind::kAssignment || s.removed || s.end <= s.start) {
    RemoveAssignment(s.id);
    return;
  }
  ScheduleShard& ss = ScheduleShardFor(s.id);
  std::unique_lock lock(ss.mu);
  auto [it, inserted] = ss.principal_of.try_emplace(s.id, s.principal_id);
  if (!inserted) {
    RemoveEntry(it->second, s.id);
    it->second = s.principal_id;
  }
  AddEntry(s);
}

void DecisionIndex::RemoveAssignment(const std::string& schedule_id) {
  ScheduleShard& ss = ScheduleShardFor(schedule_id);
  std::unique_lock lock(ss.mu);
  auto it = ss.principal_of.find(schedule_id);
  if (it == ss.principal_of.end()) return;
  RemoveEntry(it->second, schedule_id);
  ss.principal_of.erase(it);
}

void DecisionIndex::SetGroupMembers(const std::string& group_id,
                                    const std::vector<std::string>& member_ids) {
  GroupGraph& g = *groups_;
  std::lock_guard graph_lock(g.mu);
  const std::string* group = g.InternGroup(group_id);

  // Principals whose closure may change: everything below the group, before and after.
  StringSet affected;
  g.Descendants(group_id, affected);
  if (auto old = g.members.find(group_id); old != g.members.end()) {
    for (const std::string& m : old->second) {
      auto& ps = g.parents[m];
      ps.erase(std::remove(ps.begin(), ps.end(), group), ps.end());
      if (ps.empty()) g.parents.erase(m);
    }
    g.members.erase(old);
  }
  std::vector<std::string> members = member_ids;
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  for (const std::string& m : members) g.parents[m].push_back(group);
  if (!members.empty()) g.members.emplace(group_id, std::move(members));
  g.Descendants(group_id, affected);

  for (const std::string& p : affected) {
    std::vector<const std::string*> closure = g.Closure(p);
    Shard& sh = ShardFor(p);
    std::unique_lock lock(sh.mu);
    auto it = sh.principals.find(p);
    if (it == sh.principals.end()) {
      if (closure.empty()) continue;
      it = sh.principals.try_emplace(p).first;
    }
    it->second.groups = std::move(closure);
    if (it->second.entries.empty() && it->second.groups.empty()) sh.principals.erase(it);
  }
}

template <typename RoleMatch>
Decision DecisionIndex::Find(std::string_view principal, std::string_view scope, Timestamp at,
                             const RoleMatch& match) const {
  const int64_t t = at.micros();
  // Scans one principal's entries under its shard's lock; fills `d` on a grant.
  auto scan = [&](const Shard& sh, const Node& node, Decision& d) {
    auto pred = match(sh);
    for (const Entry& e : node.entries) {
      if (e.start_us <= t && t < e.end_us && pred(e.role) &&
          ScopeCovers(sh.scopes[e.scope], scope)) {
        d.allowed = true;
        d.schedule_id = e.schedule_id;
        d.role_definition_id = sh.roles[e.role];
        return true;
      }
    }
    return false;
  };

  Decision d;
  constexpr size_t kInline = 32;
  std::array<const std::string*, kInline> inline_groups;
  std::vector<const std::string*> many_groups;  // only used past kInline groups
  const std::string* const* groups = inline_groups.data();
  size_t group_count = 0;
  {
    const Shard& sh = ShardFor(principal);
    std::shared_lock lock(sh.mu);
    auto it = sh.principals.find(principal);
    if (it == sh.principals.end()) return d;
    if (scan(sh, it->second, d)) return d;
    const auto& gs = it->second.groups;
    group_count = gs.size();
    if (group_count <= kInline) {
      std::copy(gs.begin(), gs.end(), inline_groups.begin());
    } else {
      many_groups = gs;
      groups = many_groups.data();
    }
  }
  for (size_t i = 0; i < group_count; ++i) {
    const std::string& group = *groups[i];
    const Shard& sh = ShardFor(group);
    std::shared_lock lock(sh.mu);
    auto it = sh.principals.find(group);
    if (it != sh.principals.end() && scan(sh, it->second, d)) {
      d.via_group_id = group;
      return d;
    }
  }
  return d;
}

Decision DecisionIndex::HasRole(const std::string& principal, const std::string& role,
                                const std::string& scope, Timestamp at) const {
  return Find(principal, scope, at, [&](const Shard& sh) {
    uint32_t id = sh.RoleId(role);
    return [id](uint32_t r) { return r == id; };
  });
}

Decision DecisionIndex::HasPermission(const std::string& principal, const std::string& action,
                                      const std::string& scope, Timestamp at) const {
  std::shared_lock lock(permissions_->mu);
  return Find(principal, scope, at, [&](const Shard& sh) {
    return [this, &sh, &action](uint32_t r) { return permissions_->Grants(sh.roles[r], action); };
  });
}

size_t DecisionIndex::MemoryBytes() const {
  size_t total = sizeof(*this);
  for (const auto& sh : shards_) {
    std::shared_lock lock(sh->mu);
    total += sizeof(Shard) + TableBytes(sh->principals) + TableBytes(sh->role_ids) +
             TableBytes(sh->scope_ids);
    for (const auto& [id, node] : sh->principals) {
      total += StrHeap(id) + Block(node.groups.capacity() * sizeof(void*));
      if (node.entries.capacity() > 1) total += Block(node.entries.capacity() * sizeof(Entry));
      for (const Entry& e : node.entries) total += StrHeap(e.schedule_id);
    }
    for (const auto& s : sh->roles) total += sizeof(s) + StrHeap(s);
    for (const auto& s : sh->scopes) total += sizeof(s) + StrHeap(s);
  }
  for (const auto& ss : schedule_shards_) {
    std::shared_lock lock(ss->mu);
    total += sizeof(ScheduleShard) + TableBytes(ss->principal_of);
    for (const auto& [id, p] : ss->principal_of) total += StrHeap(id) + StrHeap(p);
  }
  {
    std::lock_guard lock(groups_->mu);
    total +=
        TableBytes(groups_->name_of) + TableBytes(groups_->members) + TableBytes(groups_->parents);
    for (const auto& name : groups_->names) total += sizeof(name) + 2 * StrHeap(name);  // + key
    for (const auto& [g, ms] : groups_->members) {
      total += StrHeap(g) + Block(ms.capacity() * sizeof(std::string));
      for (const auto& m : ms) total += StrHeap(m);
    }
    for (const auto& [p, gs] : groups_->parents) {
      total += StrHeap(p) + Block(gs.capacity() * sizeof(void*));
    }
  }
  return total;
}

size_t DecisionIndex::AssignmentCount() const {
  size_t n = 0;
  for (const auto& ss : schedule_shards_) {
    std::shared_lock lock(ss->mu);
    n += ss->principal_of.size();
  }
  return n;
}

}  // namespace pim
