// The Graph-compatible API: registers every /v1.0 route and the OAuth2 token endpoints on the
// router (docs/API.md lists them). Handlers authenticate with PimService::Authenticate and
// delegate every decision to PimService; the audit collection reads the Store directly after
// PimService::CheckCanReadAudit. `service`, `store` and `clock` must outlive `router`.
#pragma once

#include "core/clock.h"
#include "engine/pim_service.h"
#include "http/router.h"
#include "store/store.h"

namespace pim::http {

void RegisterGraphRoutes(Router& router, PimService& service, Store& store, const Clock& clock);

}  // namespace pim::http
