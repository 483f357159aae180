// Test helpers for the audit module: sample events and a temporary directory.
#pragma once

#include <string>

#include "audit/audit.h"
#include "core/temp_dir_testing.h"

namespace pim::audit_testing {

// A realistic activation event; `n` varies every field that is hashed or indexed.
inline AuditEvent SampleEvent(int n) {
  AuditEvent e;
  e.id = "00000000-0000-4000-8000-" + std::string(12 - std::to_string(n).size(), '0') +
         std::to_string(n);
  e.time = Timestamp::FromSeconds(1795651200 + n * 60);
  e.category = n % 2 == 0 ? "RoleManagement" : "UserManagement";
  e.activity = "Add member to role completed (PIM activation)";
  e.operation_type = "Assign";
  e.correlation_id = "request-" + std::to_string(n);
  e.initiator_id = "user-" + std::to_string(n % 3);
  e.initiator_upn = "user" + std::to_string(n % 3) + "@pim.local";
  e.initiator_display_name = "User " + std::to_string(n % 3);
  e.initiator_ip = "192.0.2." + std::to_string(n % 250);
  AuditTarget role{"62e90394-69f5-4237-9190-012177145e10", "Role", "Global Administrator", "", {}};
  role.modified.emplace_back("endDateTime", "", "2026-11-26T08:00:00Z");
  e.targets.push_back(role);
  e.details.emplace_back("justification", "incident " + std::to_string(n));
  e.details.emplace_back("ticketNumber", "INC-" + std::to_string(1000 + n));
  return e;
}

// A temporary directory named pim-audit-*.
class TempDir : public ::pim::TempDir {
 public:
  TempDir() : ::pim::TempDir("pim-audit") {}
};

}  // namespace pim::audit_testing
