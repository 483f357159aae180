// CanonicalEncode: the audit encoding v1 (docs/AUDIT.md). Keys are inserted in a fixed order and
// boost::json::object keeps insertion order, so the serialized text is deterministic. The tree is
// built in a monotonic arena (one per call): it lives only until serialised.
#include <boost/json.hpp>
#include <boost/json/monotonic_resource.hpp>

#include "audit/audit.h"

namespace pim {

namespace {

using boost::json::storage_ptr;

boost::json::object Initiator(const AuditEvent& e, const storage_ptr& sp) {
  boost::json::object initiator(1, sp);
  if (e.initiator_type == "app") {
    boost::json::object app(2, sp);
    app["servicePrincipalId"] = e.initiator_id;
    app["displayName"] = e.initiator_display_name;
    initiator["app"] = std::move(app);
  } else {
    boost::json::object user(4, sp);
    user["id"] = e.initiator_id;
    user["displayName"] = e.initiator_display_name;
    user["userPrincipalName"] = e.initiator_upn;
    user["ipAddress"] = e.initiator_ip;
    initiator["user"] = std::move(user);
  }
  return initiator;
}

boost::json::array Targets(const AuditEvent& e, const storage_ptr& sp) {
  boost::json::array targets(sp);
  targets.reserve(e.targets.size());
  for (const AuditTarget& t : e.targets) {
    boost::json::object target(5, sp);
    target["id"] = t.id;
    target["displayName"] = t.display_name;
    target["type"] = t.type;
    target["userPrincipalName"] = t.user_principal_name;
    boost::json::array modified(sp);
    modified.reserve(t.modified.size());
    for (const auto& [name, old_value, new_value] : t.modified) {
      boost::json::object property(3, sp);
      property["displayName"] = name;
      property["oldValue"] = old_value;
      property["newValue"] = new_value;
      modified.push_back(std::move(property));
    }
    target["modifiedProperties"] = std::move(modified);
    targets.push_back(std::move(target));
  }
  return targets;
}

}  // namespace

std::string CanonicalEncode(const AuditEvent& e) {
  unsigned char buffer[16384];  // a typical record's tree fits: no heap until the result
  boost::json::monotonic_resource arena(buffer, sizeof buffer);
  storage_ptr sp(&arena);
  boost::json::object o(13, sp);  // every object is sized for its keys: no rehashing
  o["pimEncodingVersion"] = 1;
  o["id"] = e.id;
  o["category"] = e.category;
  o["correlationId"] = e.correlation_id;
  o["result"] = e.result;
  o["resultReason"] = e.result_reason;
  o["activityDisplayName"] = e.activity;
  o["activityDateTime"] = FormatTimestamp(e.time);
  o["loggedByService"] = e.logged_by_service;
  o["operationType"] = e.operation_type;
  o["initiatedBy"] = Initiator(e, sp);
  o["targetResources"] = Targets(e, sp);
  boost::json::array details(sp);
  details.reserve(e.details.size());
  for (const auto& [key, value] : e.details) {
    boost::json::object detail(2, sp);
    detail["key"] = key;
    detail["value"] = value;
    details.push_back(std::move(detail));
  }
  o["additionalDetails"] = std::move(details);
  return boost::json::serialize(o);
}

}  // namespace pim
