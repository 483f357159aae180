#include "http/graph/codecs_schedule.h"

#include "core/json_writer.h"
#include "http/graph/json_fields.h"

namespace pim::http {
namespace json = boost::json;
namespace {

const std::vector<std::string_view> kActions = {"adminAssign",  "adminUpdate",    "adminRemove",
                                                "selfActivate", "selfDeactivate", "adminExtend",
                                                "adminRenew",   "selfExtend",     "selfRenew"};

const std::vector<std::string_view> kExpirationTypes = {"notSpecified", "noExpiration",
                                                        "afterDateTime", "afterDuration"};

RequestAction ActionFromName(std::string_view name) {
  static constexpr RequestAction kValues[] = {
      RequestAction::kAdminAssign,  RequestAction::kAdminUpdate,    RequestAction::kAdminRemove,
      RequestAction::kSelfActivate, RequestAction::kSelfDeactivate, RequestAction::kAdminExtend,
      RequestAction::kAdminRenew,   RequestAction::kSelfExtend,     RequestAction::kSelfRenew};
  size_t i = 0;
  for (std::string_view n : kActions) {
    if (n == name) return kValues[i];
    ++i;
  }
  return RequestAction::kSelfActivate;  // unreachable: `name` comes from ParseEnum
}

ExpirationType ExpirationFromName(std::string_view name) {
  if (name == "noExpiration") return ExpirationType::kNoExpiration;
  if (name == "afterDateTime") return ExpirationType::kAfterDateTime;
  if (name == "afterDuration") return ExpirationType::kAfterDuration;
  return ExpirationType::kNotSpecified;
}

Status DecodeExpiration(const json::object& object, ScheduleInfo& info) {
  FieldReader r(object, "scheduleInfo.expiration");
  ASSIGN_OR_RETURN(std::optional<std::string> type, r.OptEnum("type", kExpirationTypes));
  ASSIGN_OR_RETURN(info.end, r.OptTimestamp("endDateTime"));
  ASSIGN_OR_RETURN(info.duration, r.OptDuration("duration"));
  RETURN_IF_ERROR(r.Finish());
  info.type = type ? ExpirationFromName(*type) : ExpirationType::kNotSpecified;
  auto conflict = [&](const char* field, const char* why) {
    return InvalidArgument("Invalid value for 'scheduleInfo.expiration." + std::string(field) +
                           "': " + why);
  };
  switch (info.type) {
    case ExpirationType::kAfterDuration:
      if (!info.duration) return conflict("duration", "required when type is afterDuration.");
      if (info.end) return conflict("endDateTime", "not allowed when type is afterDuration.");
      break;
    case ExpirationType::kAfterDateTime:
      if (!info.end) return conflict("endDateTime", "required when type is afterDateTime.");
      if (info.duration) return conflict("duration", "not allowed when type is afterDateTime.");
      break;
    case ExpirationType::kNoExpiration:
      if (info.end) return conflict("endDateTime", "not allowed when type is noExpiration.");
      if (info.duration) return conflict("duration", "not allowed when type is noExpiration.");
      break;
    case ExpirationType::kNotSpecified:
      if (info.end && info.duration) {
        return conflict("duration", "give either endDateTime or duration, not both.");
      }
      if (info.end) info.type = ExpirationType::kAfterDateTime;
      if (info.duration) info.type = ExpirationType::kAfterDuration;
      break;
  }
  return Status::Ok();
}

Status DecodeScheduleInfo(const json::object& object, ScheduleInfo& info) {
  FieldReader r(object, "scheduleInfo");
  ASSIGN_OR_RETURN(info.start, r.OptTimestamp("startDateTime"));
  RETURN_IF_ERROR(
      r.Unsupported("recurrence", "is not supported (recurring schedules are refused)"));
  ASSIGN_OR_RETURN(const json::object* expiration, r.OptObject("expiration"));
  RETURN_IF_ERROR(r.Finish());
  if (expiration != nullptr) RETURN_IF_ERROR(DecodeExpiration(*expiration, info));
  if (info.start && info.end && *info.end <= *info.start) {
    return InvalidArgument(
        "Invalid value for 'scheduleInfo.expiration.endDateTime': it must be after "
        "scheduleInfo.startDateTime.");
  }
  return Status::Ok();
}

}  // namespace

std::string ActionName(RequestAction action) {
  return std::string(kActions[static_cast<size_t>(action)]);
}

std::string ExpirationTypeName(ExpirationType type) {
  return std::string(kExpirationTypes[static_cast<size_t>(type)]);
}

std::string RequestCollectionName(ScheduleKind kind) {
  return kind == ScheduleKind::kAssignment ? "roleAssignmentScheduleRequests"
                                           : "roleEligibilityScheduleRequests";
}
std::string ScheduleCollectionName(ScheduleKind kind) {
  return kind == ScheduleKind::kAssignment ? "roleAssignmentSchedules" : "roleEligibilitySchedules";
}
std::string InstanceCollectionName(ScheduleKind kind) {
  return kind == ScheduleKind::kAssignment ? "roleAssignmentScheduleInstances"
                                           : "roleEligibilityScheduleInstances";
}

namespace {

// Each entity below is described once, for any writer with JsonWriter's interface: JsonWriter
// gives its text (entity responses), JsonTreeWriter its tree (listings, which filter and select).
template <typename W>
void StringOrNull(W& w, std::string_view key, const std::string& value) {
  w.Key(key);
  value.empty() ? w.Null() : w.String(value);
}

template <typename W>
void TimeOrNull(W& w, std::string_view key, const std::optional<Timestamp>& t) {
  w.Key(key);
  (!t || t->is_max()) ? w.Null() : w.String(FormatTimestamp(*t));
}

// Who, which role, where: the same four members, in this order, in requests, schedules and
// instances.
template <typename W, typename T>
void WriteTargetMembers(W& w, const T& x) {
  w.Member("principalId", x.principal_id)
      .Member("roleDefinitionId", x.role_definition_id)
      .Member("directoryScopeId", x.directory_scope_id);
  StringOrNull(w, "appScopeId", x.app_scope_id);
}

template <typename W>
void WriteRequestSchedule(W& w, const ScheduleInfo& info) {
  w.BeginObject();
  TimeOrNull(w, "startDateTime", info.start);
  w.Key("recurrence").Null().Key("expiration").BeginObject();
  w.Member("type", ExpirationTypeName(info.type));
  TimeOrNull(w, "endDateTime", info.end);
  w.Key("duration");
  info.duration ? w.String(FormatDuration(*info.duration)) : w.Null();
  w.EndObject().EndObject();
}

template <typename W>
void WriteRequest(W& w, const ScheduleRequest& r) {
  w.BeginObject()
      .Member("id", r.id)
      .Member("status", r.status)
      .Member("action", ActionName(r.action));
  WriteTargetMembers(w, r);
  StringOrNull(w, "justification", r.justification);
  w.Member("isValidationOnly", r.is_validation_only);
  StringOrNull(w, "targetScheduleId", r.target_schedule_id);
  StringOrNull(w, "approvalId", r.approval_id);
  StringOrNull(w, "customData", r.custom_data);
  w.Member("createdDateTime", FormatTimestamp(r.created));
  TimeOrNull(w, "completedDateTime", r.completed);
  w.Key("createdBy").BeginObject().Key("application").Null().Key("device").Null();
  w.Key("user").BeginObject();
  StringOrNull(w, "id", r.created_by);
  w.EndObject().EndObject();
  w.Key("ticketInfo").BeginObject();
  StringOrNull(w, "ticketNumber", r.ticket_number);
  StringOrNull(w, "ticketSystem", r.ticket_system);
  w.EndObject().Key("scheduleInfo");
  WriteRequestSchedule(w, r.schedule_info);
  w.EndObject();
}

template <typename W>
void WriteActivatedUsing(W& w, const Schedule& s) {
  w.Key("activatedUsing");
  if (s.activated_using.empty()) {
    w.Null();
  } else {
    w.BeginObject().Member("id", s.activated_using).EndObject();
  }
}

template <typename W>
void WriteSchedule(W& w, const Schedule& s) {
  w.BeginObject().Member("id", s.id);
  WriteTargetMembers(w, s);
  StringOrNull(w, "createdUsing", s.created_using);
  w.Member("createdDateTime", FormatTimestamp(s.created))
      .Member("modifiedDateTime", FormatTimestamp(s.modified))
      .Member("status", s.status)
      .Member("memberType", s.member_type);
  if (s.kind == ScheduleKind::kAssignment) {
    StringOrNull(w, "assignmentType", s.assignment_type);
    WriteActivatedUsing(w, s);
  }
  w.Key("scheduleInfo")
      .BeginObject()
      .Member("startDateTime", FormatTimestamp(s.start))
      .Key("recurrence")
      .Null()
      .Key("expiration")
      .BeginObject();
  if (s.end.is_max()) {
    w.Member("type", "noExpiration").Key("endDateTime").Null().Key("duration").Null();
  } else {
    const ExpirationType type = s.expiration_type == ExpirationType::kAfterDuration
                                    ? ExpirationType::kAfterDuration
                                    : ExpirationType::kAfterDateTime;
    w.Member("type", ExpirationTypeName(type)).Member("endDateTime", FormatTimestamp(s.end));
    w.Key("duration");
    s.duration ? w.String(FormatDuration(*s.duration)) : w.Null();
  }
  w.EndObject().EndObject().EndObject();
}

template <typename W>
void WriteInstance(W& w, const ScheduleInstance& instance) {
  const Schedule& s = instance.schedule;
  w.BeginObject().Member("id", instance.id);
  WriteTargetMembers(w, s);
  w.Member("startDateTime", FormatTimestamp(s.start));
  TimeOrNull(w, "endDateTime", s.end);
  w.Member("memberType", s.member_type);
  if (s.kind == ScheduleKind::kAssignment) {
    StringOrNull(w, "assignmentType", s.assignment_type);
    w.Member("roleAssignmentOriginId", s.id).Member("roleAssignmentScheduleId", s.id);
    WriteActivatedUsing(w, s);
  } else {
    w.Member("roleEligibilityScheduleId", s.id);
  }
  w.EndObject();
}

// The tree of an entity described by `Write`.
template <typename T, void (*Write)(JsonTreeWriter&, const T&)>
json::object TreeOf(const T& entity) {
  JsonTreeWriter w;
  Write(w, entity);
  return std::move(w.Take().get_object());
}

}  // namespace

json::object RequestScheduleToGraph(const ScheduleInfo& info) {
  return TreeOf<ScheduleInfo, WriteRequestSchedule<JsonTreeWriter>>(info);
}

json::object RequestToGraph(const ScheduleRequest& r) {
  return TreeOf<ScheduleRequest, WriteRequest<JsonTreeWriter>>(r);
}

std::string RequestToGraphJson(const ScheduleRequest& r) {
  std::string out;
  out.reserve(1024);
  JsonWriter w(out);
  WriteRequest(w, r);
  return out;
}

json::object ScheduleToGraph(const Schedule& s) {
  return TreeOf<Schedule, WriteSchedule<JsonTreeWriter>>(s);
}

json::object InstanceToGraph(const ScheduleInstance& instance) {
  return TreeOf<ScheduleInstance, WriteInstance<JsonTreeWriter>>(instance);
}

Result<ScheduleRequestInput> DecodeScheduleRequest(ScheduleKind kind, std::string_view body) {
  ASSIGN_OR_RETURN(json::object object, ParseJsonObject(body));
  ScheduleRequestInput in;
  in.kind = kind;
  FieldReader r(object, "");
  ASSIGN_OR_RETURN(std::optional<std::string> action, r.OptEnum("action", kActions));
  if (!action) return InvalidArgument("The property 'action' is required.");
  in.action = ActionFromName(*action);
  ASSIGN_OR_RETURN(in.principal_id, r.NonEmptyString("principalId"));
  ASSIGN_OR_RETURN(in.role_definition_id, r.NonEmptyString("roleDefinitionId"));
  ASSIGN_OR_RETURN(in.directory_scope_id, r.NonEmptyString("directoryScopeId"));
  ASSIGN_OR_RETURN(std::optional<std::string> app_scope, r.OptString("appScopeId"));
  if (app_scope && !app_scope->empty()) {
    return InvalidArgument("The property 'appScopeId' is not supported; use 'directoryScopeId'.");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> justification, r.OptString("justification"));
  in.justification = justification.value_or("");
  ASSIGN_OR_RETURN(std::optional<bool> validation_only, r.OptBool("isValidationOnly"));
  in.is_validation_only = validation_only.value_or(false);
  ASSIGN_OR_RETURN(std::optional<std::string> target, r.OptString("targetScheduleId"));
  in.target_schedule_id = target.value_or("");
  ASSIGN_OR_RETURN(std::optional<std::string> custom, r.OptString("customData"));
  in.custom_data = custom.value_or("");
  ASSIGN_OR_RETURN(const json::object* ticket, r.OptObject("ticketInfo"));
  ASSIGN_OR_RETURN(const json::object* schedule, r.OptObject("scheduleInfo"));
  RETURN_IF_ERROR(r.Finish());
  if (ticket != nullptr) {
    FieldReader t(*ticket, "ticketInfo");
    ASSIGN_OR_RETURN(std::optional<std::string> number, t.OptString("ticketNumber"));
    ASSIGN_OR_RETURN(std::optional<std::string> system, t.OptString("ticketSystem"));
    RETURN_IF_ERROR(t.Finish());
    in.ticket_number = number.value_or("");
    in.ticket_system = system.value_or("");
  }
  if (schedule != nullptr) RETURN_IF_ERROR(DecodeScheduleInfo(*schedule, in.schedule_info));
  return in;
}

}  // namespace pim::http
