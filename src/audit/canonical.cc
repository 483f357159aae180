// CanonicalEncode: the audit encoding v1 (docs/AUDIT.md). Members are written in a fixed order
// by JsonWriter, whose text is boost::json::serialize's for the same tree (no whitespace, the
// same escaping), so the encoding is deterministic.
#include "audit/audit.h"
#include "core/json_writer.h"

namespace pim {

namespace {

void WriteInitiator(JsonWriter& w, const AuditEvent& e) {
  w.BeginObject();
  if (e.initiator_type == "app") {
    w.Key("app")
        .BeginObject()
        .Member("servicePrincipalId", e.initiator_id)
        .Member("displayName", e.initiator_display_name)
        .EndObject();
  } else {
    w.Key("user")
        .BeginObject()
        .Member("id", e.initiator_id)
        .Member("displayName", e.initiator_display_name)
        .Member("userPrincipalName", e.initiator_upn)
        .Member("ipAddress", e.initiator_ip)
        .EndObject();
  }
  w.EndObject();
}

void WriteTargets(JsonWriter& w, const AuditEvent& e) {
  w.BeginArray();
  for (const AuditTarget& t : e.targets) {
    w.BeginObject()
        .Member("id", t.id)
        .Member("displayName", t.display_name)
        .Member("type", t.type)
        .Member("userPrincipalName", t.user_principal_name)
        .Key("modifiedProperties")
        .BeginArray();
    for (const auto& [name, old_value, new_value] : t.modified) {
      w.BeginObject()
          .Member("displayName", name)
          .Member("oldValue", old_value)
          .Member("newValue", new_value)
          .EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string CanonicalEncode(const AuditEvent& e) {
  std::string out;
  out.reserve(1536);  // a typical record is 1.2-1.4 KB
  JsonWriter w(out);
  w.BeginObject()
      .Member("pimEncodingVersion", 1)
      .Member("id", e.id)
      .Member("category", e.category)
      .Member("correlationId", e.correlation_id)
      .Member("result", e.result)
      .Member("resultReason", e.result_reason)
      .Member("activityDisplayName", e.activity)
      .Member("activityDateTime", FormatTimestamp(e.time))
      .Member("loggedByService", e.logged_by_service)
      .Member("operationType", e.operation_type)
      .Key("initiatedBy");
  WriteInitiator(w, e);
  w.Key("targetResources");
  WriteTargets(w, e);
  w.Key("additionalDetails").BeginArray();
  for (const auto& [key, value] : e.details) {
    w.BeginObject().Member("key", key).Member("value", value).EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

}  // namespace pim
