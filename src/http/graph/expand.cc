#include "http/graph/expand.h"

#include <map>
#include <memory>

#include "http/graph/codecs_directory.h"
#include "http/graph/codecs_role.h"
#include "http/graph/codecs_schedule.h"

namespace pim::http {
namespace json = boost::json;
namespace {

std::string StringAt(const json::object& item, const char* key) {
  const json::value* v = item.if_contains(key);
  const json::string* s = v == nullptr ? nullptr : v->if_string();
  return s == nullptr ? std::string() : std::string(s->data(), s->size());
}

// Only Internal errors propagate; "not there" and "not yours" become null.
bool IsHardError(const Status& st) {
  return st.code() == StatusCode::kInternal || st.code() == StatusCode::kUnavailable;
}

}  // namespace

ExpandFn ScheduleExpander(const PimService& service, const Caller& caller) {
  auto cache = std::make_shared<std::map<std::string, json::value>>();
  return [&service, caller, cache](json::object& item,
                                   const std::set<std::string>& expand) -> Status {
    auto lookup = [&](const std::string& key, auto fetch) -> Result<json::value> {
      auto it = cache->find(key);
      if (it != cache->end()) return it->second;
      Result<json::value> v = fetch();
      if (!v.ok()) {
        if (IsHardError(v.status())) return v.status();
        v = json::value(nullptr);
      }
      cache->emplace(key, *v);
      return v;
    };
    if (expand.count("principal") != 0) {
      std::string id = StringAt(item, "principalId");
      ASSIGN_OR_RETURN(json::value v, lookup("p:" + id, [&]() -> Result<json::value> {
                         ASSIGN_OR_RETURN(Principal p, service.GetPrincipal(caller, id));
                         return json::value(DirectoryObjectToGraph(p));
                       }));
      item["principal"] = std::move(v);
    }
    if (expand.count("roleDefinition") != 0) {
      std::string id = StringAt(item, "roleDefinitionId");
      ASSIGN_OR_RETURN(json::value v, lookup("r:" + id, [&]() -> Result<json::value> {
                         ASSIGN_OR_RETURN(RoleDefinition d, service.GetRoleDefinition(caller, id));
                         return json::value(RoleDefinitionToGraph(d));
                       }));
      item["roleDefinition"] = std::move(v);
    }
    if (expand.count("activatedUsing") != 0) {
      const json::value* link = item.if_contains("activatedUsing");
      const json::object* o = link == nullptr ? nullptr : link->if_object();
      if (o != nullptr) {
        std::string id = StringAt(*o, "id");
        ASSIGN_OR_RETURN(json::value v, lookup("e:" + id, [&]() -> Result<json::value> {
                           ASSIGN_OR_RETURN(
                               Schedule s,
                               service.GetSchedule(caller, ScheduleKind::kEligibility, id));
                           return json::value(ScheduleToGraph(s));
                         }));
        // A schedule that has since ended keeps its id-only link.
        if (!v.is_null()) item["activatedUsing"] = std::move(v);
      }
    }
    return Status::Ok();
  };
}

}  // namespace pim::http
