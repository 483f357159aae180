#include "engine/decision_index.h"

#include <algorithm>
#include <array>
#include <boost/container/small_vector.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string_view>
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
template <typename V>
using FlatStringMap = boost::unordered_flat_map<std::string, V, StringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// pim's ids are GUIDs, whose text is 36 bytes. The index keeps such ids inline (no heap, no
// parsing: bytes are compared exactly, as ids are) and any other id through a fallback.
constexpr size_t kIdSize = 36;
using IdBytes = std::array<char, kIdSize>;

size_t HashId(std::string_view id) { return std::hash<std::string_view>{}(id); }
IdBytes ToBytes(std::string_view id) {
  IdBytes b;
  std::copy_n(id.data(), kIdSize, b.data());
  return b;
}

// A principal as the index keys it: a 36-byte id inline (`text` == 0), any other id by a
// per-shard intern number (`text` > 0, never reused).
struct IdKey {
  IdBytes bytes{};
  uint32_t text = 0;
  bool operator==(const IdKey&) const = default;
};
size_t HashKey(const IdKey& k) {
  return k.text ? k.text * size_t{0x9e3779b97f4a7c15} : HashId({k.bytes.data(), kIdSize});
}
// A lookup probe carrying the key's hash, computed once per query for both the shard choice and
// the table probe.
struct Probe {
  const IdKey& key;
  size_t hash;
};
struct IdKeyHash {
  using is_transparent = void;
  size_t operator()(const IdKey& k) const noexcept { return HashKey(k); }
  size_t operator()(const Probe& p) const noexcept { return p.hash; }
};
struct IdKeyEq {
  using is_transparent = void;
  bool operator()(const IdKey& a, const IdKey& b) const noexcept { return a == b; }
  bool operator()(const Probe& a, const IdKey& b) const noexcept { return a.key == b; }
  bool operator()(const IdKey& a, const Probe& b) const noexcept { return a == b.key; }
};
template <typename V>
using IdMap = boost::unordered_flat_map<IdKey, V, IdKeyHash, IdKeyEq>;

// A schedule id as entries hold it: a 36-byte id inline, or (`text` set) the address of the id's
// text, the key of ScheduleShard::by_text (node-based, so stable), which outlives the entry
// because removal erases the entry first.
struct SidRef {
  IdBytes bytes{};
  const std::string* text = nullptr;
  bool operator==(const SidRef&) const = default;
  std::string ToString() const { return text ? *text : std::string(bytes.data(), kIdSize); }
};

// One indexed assignment schedule (72 bytes, no heap). Role and scope are interned per shard.
struct Entry {
  int64_t start_us;
  int64_t end_us;
  SidRef sid;
  uint32_t role;
  uint32_t scope;
};

// What the index knows about one principal. `groups` is the transitive closure of the groups the
// principal is a member of (never the principal itself); the pointers address immutable strings
// owned by GroupGraph::names, which are never freed, so readers may use them without a lock.
struct Node {
  boost::container::small_vector<Entry, 1> entries;
  std::vector<const std::string*> groups;
};

// Where a principal id lives: its shard and, for a 36-byte id, its key and hash.
struct Locator {
  size_t shard;
  bool inline_id;
  IdKey key;
  size_t hash;
};

// Where a schedule's entry lives.
struct Owner {
  size_t shard = 0;
  IdKey principal;
};

constexpr uint32_t kNoRole = UINT32_MAX;
constexpr size_t kShards = 64;

Locator Locate(std::string_view id) {
  Locator loc{0, id.size() == kIdSize, {}, HashId(id)};
  if (loc.inline_id) loc.key.bytes = ToBytes(id);
  loc.shard = (loc.hash >> 40) % kShards;  // the table uses all bits, post-mixed
  return loc;
}

uint32_t Intern(FlatStringMap<uint32_t>& ids, std::vector<std::string>& names, std::string_view s) {
  auto it = ids.find(s);
  if (it != ids.end()) return it->second;
  auto id = static_cast<uint32_t>(names.size());
  names.emplace_back(s);
  ids.emplace(std::string(s), id);
  return id;
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

// Approximate size of the malloc block that holds `n` bytes (glibc: 8-byte header, 16-byte
// alignment, 32-byte minimum).
size_t Block(size_t n) { return n == 0 ? 0 : std::max<size_t>(32, (n + 8 + 15) & ~size_t{15}); }
// Heap bytes of a std::string beyond the object (libstdc++ keeps up to 15 chars inline).
size_t StrHeap(const std::string& s) { return s.capacity() > 15 ? Block(s.capacity() + 1) : 0; }
template <typename V>
size_t TableBytes(const StringMap<V>& m) {  // bucket array + one node per element
  return Block(m.bucket_count() * sizeof(void*)) +
         m.size() * Block(sizeof(typename StringMap<V>::value_type) + sizeof(void*));
}
template <typename Map>
size_t FlatTableBytes(const Map& m) {  // slots + one metadata byte per slot
  return Block(m.bucket_count() * (sizeof(typename Map::value_type) + 1));
}

// One of kShards partitions of the principals, chosen by the principal id.
struct alignas(64) Shard {
  mutable std::shared_mutex mu;
  IdMap<Node> principals;
  FlatStringMap<uint32_t> text_ids;  // other principal ids -> IdKey::text (never freed)
  FlatStringMap<uint32_t> role_ids;
  std::vector<std::string> roles;
  FlatStringMap<uint32_t> scope_ids;
  std::vector<std::string> scopes;

  uint32_t RoleId(std::string_view role) const {
    auto it = role_ids.find(role);
    return it == role_ids.end() ? kNoRole : it->second;
  }
  // The node of the principal `id` located at `loc`, or nullptr. Caller holds mu.
  const Node* Find(const Locator& loc, std::string_view id) const {
    if (loc.inline_id) {
      auto it = principals.find(Probe{loc.key, loc.hash});
      return it == principals.end() ? nullptr : &it->second;
    }
    auto t = text_ids.find(id);
    if (t == text_ids.end()) return nullptr;
    auto it = principals.find(IdKey{{}, t->second});
    return it == principals.end() ? nullptr : &it->second;
  }
  // The key of principal `id` located at `loc`, interning another id. Caller holds mu.
  IdKey Key(const Locator& loc, std::string_view id) {
    if (loc.inline_id) return loc.key;
    auto it = text_ids.find(id);
    if (it == text_ids.end()) {
      it = text_ids.emplace(std::string(id), static_cast<uint32_t>(text_ids.size() + 1)).first;
    }
    return IdKey{{}, it->second};
  }
  void EraseIfEmpty(decltype(principals)::iterator it) {
    if (it->second.entries.empty() && it->second.groups.empty()) principals.erase(it);
  }
};

// Schedule id -> owner, for replacement and removal. Writers only.
struct ScheduleShard {
  std::mutex mu;
  IdMap<Owner> by_bytes;     // 36-byte ids
  StringMap<Owner> by_text;  // node-based: entries point at the keys
};

// Direct memberships and their reverse; SetGroupMembers recomputes closures from it.
struct GroupGraph {
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
  // Adds to `out` every principal reachable from `group` through member edges.
  void Descendants(const std::string& group, StringSet& out) const {
    std::vector<std::string_view> stack{group};
    while (!stack.empty()) {
      auto it = members.find(stack.back());
      stack.pop_back();
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
      auto it = parents.find(stack.back());
      stack.pop_back();
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

struct Permissions {
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

}  // namespace

// Lock order: ScheduleShard::mu or GroupGraph::mu, then one Shard::mu at a time; readers take
// Permissions::mu (shared) before Shard locks, and never hold two Shard locks.
struct DecisionIndex::Impl {
  std::array<Shard, kShards> shards;
  std::array<ScheduleShard, kShards> schedules;
  GroupGraph groups;
  Permissions permissions;

  ScheduleShard& ScheduleShardFor(std::string_view id) {
    return schedules[(StringHash{}(id) >> 7) % kShards];
  }

  Owner AddTo(const Schedule& s, const SidRef& sid) {
    const Locator loc = Locate(s.principal_id);
    Shard& sh = shards[loc.shard];
    std::unique_lock lock(sh.mu);
    Entry e{s.start.micros(), s.end.micros(), sid, 0, 0};
    e.role = Intern(sh.role_ids, sh.roles, s.role_definition_id);
    e.scope = Intern(sh.scope_ids, sh.scopes, ToLower(s.directory_scope_id));
    const IdKey key = sh.Key(loc, s.principal_id);
    sh.principals[key].entries.push_back(e);
    return Owner{loc.shard, key};
  }

  void RemoveFrom(const Owner& owner, const SidRef& sid) {
    Shard& sh = shards[owner.shard];
    std::unique_lock lock(sh.mu);
    auto it = sh.principals.find(owner.principal);
    if (it == sh.principals.end()) return;
    auto& entries = it->second.entries;
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [&](const Entry& e) { return e.sid == sid; }),
                  entries.end());
    sh.EraseIfEmpty(it);
  }

  template <typename RoleMatch>
  Decision Find(std::string_view principal, std::string_view scope, Timestamp at,
                const RoleMatch& match) const;
};

template <typename RoleMatch>
Decision DecisionIndex::Impl::Find(std::string_view principal, std::string_view scope, Timestamp at,
                                   const RoleMatch& match) const {
  const int64_t t = at.micros();
  // Scans one principal's entries under its shard's lock; fills `d` on a grant.
  auto scan = [&](const Shard& sh, const Node& node, Decision& d) {
    auto pred = match(sh);
    for (const Entry& e : node.entries) {
      if (e.start_us <= t && t < e.end_us && pred(e.role) &&
          ScopeCovers(sh.scopes[e.scope], scope)) {
        d.allowed = true;
        d.schedule_id = e.sid.ToString();
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
  const std::string* const* group_ids = inline_groups.data();
  size_t group_count = 0;
  {
    const Locator loc = Locate(principal);
    const Shard& sh = shards[loc.shard];
    std::shared_lock lock(sh.mu);
    const Node* node = sh.Find(loc, principal);
    if (node == nullptr || scan(sh, *node, d)) return d;
    group_count = node->groups.size();
    if (group_count <= kInline) {
      std::copy(node->groups.begin(), node->groups.end(), inline_groups.begin());
    } else {
      many_groups = node->groups;
      group_ids = many_groups.data();
    }
  }
  for (size_t i = 0; i < group_count; ++i) {
    const std::string& group = *group_ids[i];
    const Locator loc = Locate(group);
    const Shard& sh = shards[loc.shard];
    std::shared_lock lock(sh.mu);
    const Node* node = sh.Find(loc, group);
    if (node != nullptr && scan(sh, *node, d)) {
      d.via_group_id = group;
      return d;
    }
  }
  return d;
}

DecisionIndex::DecisionIndex() : impl_(std::make_unique<Impl>()) {}
DecisionIndex::~DecisionIndex() = default;

void DecisionIndex::SetRolePermissions(const std::string& role_id,
                                       std::vector<std::string> allowed_actions,
                                       std::vector<std::string> excluded_actions) {
  std::unique_lock lock(impl_->permissions.mu);
  impl_->permissions.roles[role_id] = {std::move(allowed_actions), std::move(excluded_actions)};
}

void DecisionIndex::UpsertAssignment(const Schedule& s) {
  if (s.kind != ScheduleKind::kAssignment || s.removed || s.end <= s.start) {
    RemoveAssignment(s.id);
    return;
  }
  ScheduleShard& ss = impl_->ScheduleShardFor(s.id);
  std::lock_guard lock(ss.mu);
  SidRef sid;
  Owner* owner;
  bool existed;
  if (s.id.size() == kIdSize) {
    sid.bytes = ToBytes(s.id);
    auto [it, inserted] = ss.by_bytes.try_emplace(IdKey{sid.bytes, 0});
    owner = &it->second;
    existed = !inserted;
  } else {
    auto [it, inserted] = ss.by_text.try_emplace(s.id);
    sid.text = &it->first;
    owner = &it->second;
    existed = !inserted;
  }
  if (existed) impl_->RemoveFrom(*owner, sid);
  *owner = impl_->AddTo(s, sid);
}

void DecisionIndex::RemoveAssignment(const std::string& schedule_id) {
  ScheduleShard& ss = impl_->ScheduleShardFor(schedule_id);
  std::lock_guard lock(ss.mu);
  if (schedule_id.size() == kIdSize) {
    const IdBytes bytes = ToBytes(schedule_id);
    auto it = ss.by_bytes.find(IdKey{bytes, 0});
    if (it == ss.by_bytes.end()) return;
    impl_->RemoveFrom(it->second, SidRef{bytes, nullptr});
    ss.by_bytes.erase(it);
  } else {
    auto it = ss.by_text.find(schedule_id);
    if (it == ss.by_text.end()) return;
    impl_->RemoveFrom(it->second, SidRef{{}, &it->first});
    ss.by_text.erase(it);
  }
}

void DecisionIndex::SetGroupMembers(const std::string& group_id,
                                    const std::vector<std::string>& member_ids) {
  GroupGraph& g = impl_->groups;
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
    const Locator loc = Locate(p);
    Shard& sh = impl_->shards[loc.shard];
    std::unique_lock lock(sh.mu);
    const IdKey key = sh.Key(loc, p);
    auto it = sh.principals.find(key);
    if (it == sh.principals.end()) {
      if (closure.empty()) continue;
      it = sh.principals.try_emplace(key).first;
    }
    it->second.groups = std::move(closure);
    sh.EraseIfEmpty(it);
  }
}

Decision DecisionIndex::HasRole(const std::string& principal, const std::string& role,
                                const std::string& scope, Timestamp at) const {
  return impl_->Find(principal, scope, at, [&role](const Shard& sh) {
    return [id = sh.RoleId(role)](uint32_t r) { return r == id; };
  });
}

Decision DecisionIndex::HasPermission(const std::string& principal, const std::string& action,
                                      const std::string& scope, Timestamp at) const {
  const Permissions& perms = impl_->permissions;
  std::shared_lock lock(perms.mu);
  return impl_->Find(principal, scope, at, [&perms, &action](const Shard& sh) {
    return [&perms, &sh, &action](uint32_t r) { return perms.Grants(sh.roles[r], action); };
  });
}

size_t DecisionIndex::MemoryBytes() const {
  size_t total = sizeof(*this) + sizeof(Impl);
  for (const Shard& sh : impl_->shards) {
    std::shared_lock lock(sh.mu);
    total += FlatTableBytes(sh.principals) + FlatTableBytes(sh.text_ids) +
             FlatTableBytes(sh.role_ids) + FlatTableBytes(sh.scope_ids);
    for (const auto& [key, node] : sh.principals) {
      total += Block(node.groups.capacity() * sizeof(void*));
      if (node.entries.capacity() > 1) total += Block(node.entries.capacity() * sizeof(Entry));
    }
    for (const auto& [id, n] : sh.text_ids) total += StrHeap(id);
    for (const auto& s : sh.roles) total += sizeof(s) + 2 * StrHeap(s);   // + the map's key
    for (const auto& s : sh.scopes) total += sizeof(s) + 2 * StrHeap(s);  // + the map's key
  }
  for (ScheduleShard& ss : impl_->schedules) {
    std::lock_guard lock(ss.mu);
    total += FlatTableBytes(ss.by_bytes) + TableBytes(ss.by_text);
    for (const auto& [id, owner] : ss.by_text) total += StrHeap(id);
  }
  GroupGraph& g = impl_->groups;
  std::lock_guard lock(g.mu);
  total += TableBytes(g.name_of) + TableBytes(g.members) + TableBytes(g.parents);
  for (const auto& name : g.names) total += sizeof(name) + 2 * StrHeap(name);  // + the map's key
  for (const auto& [group, ms] : g.members) {
    total += StrHeap(group) + Block(ms.capacity() * sizeof(std::string));
    for (const auto& m : ms) total += StrHeap(m);
  }
  for (const auto& [p, gs] : g.parents) total += StrHeap(p) + Block(gs.capacity() * sizeof(void*));
  return total;
}

size_t DecisionIndex::AssignmentCount() const {
  size_t n = 0;
  for (ScheduleShard& ss : impl_->schedules) {
    std::lock_guard lock(ss.mu);
    n += ss.by_bytes.size() + ss.by_text.size();
  }
  return n;
}

size_t DecisionIndex::ActiveAssignmentCount(Timestamp at) const {
  const int64_t t = at.micros();
  size_t n = 0;
  for (const Shard& sh : impl_->shards) {
    std::shared_lock lock(sh.mu);
    for (const auto& [key, node] : sh.principals) {
      for (const Entry& e : node.entries) {
        if (e.start_us <= t && t < e.end_us) ++n;
      }
    }
  }
  return n;
}

}  // namespace pim
