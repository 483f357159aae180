// $expand of navigation properties on schedules, instances and requests:
//   principal       -> the directoryObject named by principalId (with "@odata.type")
//   roleDefinition  -> the unifiedRoleDefinition named by roleDefinitionId
//   activatedUsing  -> (assignment schedules) the eligibility schedule named by activatedUsing.id
// A target the caller may not read, or that no longer exists, expands to null. Lookups are
// cached for the lifetime of the returned function (one response).
#pragma once

#include "engine/pim_service.h"
#include "http/graph/collection.h"

namespace pim::http {

ExpandFn ScheduleExpander(const PimService& service, const Caller& caller);

}  // namespace pim::http
