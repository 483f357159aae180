// The demo tenant that `pimd init --demo` creates, through PimService's public API only:
//   requester@pim.local  eligible for Global Administrator and Security Administrator
//                        (permanently, or as long as the policy allows), TOTP enrolled;
//   approver@pim.local   the primary approver of Global Administrator activations;
//   auditor@pim.local    active Global Reader: permanently, or for as long as the policy allows.
// Every user gets a random password; all of it is written to a credentials file (mode 0600).
#pragma once

#include <cstddef>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "engine/pim_service.h"

namespace pim {

// `length` characters drawn uniformly from [A-Za-z0-9] with the CSPRNG (auth/crypto.h).
std::string GenerateRandomPassword(size_t length = 24);

// Creates the demo users, eligibilities, assignment, approval policy and TOTP enrollment, then
// writes `credentials_path` (mode 0600, replaced if present): each UPN, password and role, the
// requester's TOTP secret, and example `pim login` / curl commands against `server_url` (where
// pimd will listen, e.g. "http://127.0.0.1:8080"). `admin` must be an active
// Global Administrator (e.g. the bootstrap administrator's session); `clock` supplies the
// instant of the TOTP code that completes the enrollment. Returns the first failing call's
// Status (the tenant may then be partly seeded), or Internal when the file cannot be written.
Status SeedDemoTenant(PimService& svc, const Clock& clock, const Caller& admin,
                      const std::string& credentials_path, const std::string& server_url);

}  // namespace pim
