// Graph JSON for schedule requests, schedules and schedule instances
// (unifiedRole{Assignment,Eligibility}Schedule{Request,,Instance} in graph/pim-types-v1.0.xml).
// Instants are written with FormatTimestamp, durations with FormatDuration; Timestamp::Max()
// ends are written as a null endDateTime with expiration type noExpiration.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "core/model.h"
#include "core/status.h"
#include "engine/pim_service.h"

namespace pim::http {

// Graph spellings: "selfActivate", "afterDuration", ...
std::string ActionName(RequestAction action);
std::string ExpirationTypeName(ExpirationType type);

// Collection names under roleManagement/directory, e.g. "roleAssignmentScheduleRequests".
std::string RequestCollectionName(ScheduleKind kind);
std::string ScheduleCollectionName(ScheduleKind kind);
std::string InstanceCollectionName(ScheduleKind kind);

// requestSchedule of a request: startDateTime (null when "now"), recurrence null, expiration.
boost::json::object RequestScheduleToGraph(const ScheduleInfo& info);

boost::json::object RequestToGraph(const ScheduleRequest& request);
// The same entity as JSON text: json::serialize(RequestToGraph(r)), without building the tree.
std::string RequestToGraphJson(const ScheduleRequest& request);
// Assignment schedules carry assignmentType and activatedUsing ({"id"} or null).
boost::json::object ScheduleToGraph(const Schedule& schedule);
boost::json::object InstanceToGraph(const ScheduleInstance& instance);

// Decodes the body of a POST to a schedule-request collection. Required: action, principalId,
// roleDefinitionId, directoryScopeId. Enum values are accepted case-insensitively. Refuses
// (InvalidArgument naming the field) wrong JSON types, unknown enum values, unknown
// properties, bad or non-positive ISO 8601 values, an inconsistent expiration, a non-empty
// appScopeId and any recurrence.
Result<ScheduleRequestInput> DecodeScheduleRequest(ScheduleKind kind, std::string_view body);

}  // namespace pim::http
