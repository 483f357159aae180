// The engine as pimd assembles it: keys from the data directory, the SQLite store, the real
// clock, random ids, and PimService (loaded).
#pragma once

#include <memory>
#include <optional>

#include "apps/pimd/commands.h"
#include "apps/pimd/pimd_config.h"
#include "audit/audit.h"
#include "auth/crypto.h"
#include "core/clock.h"
#include "engine/pim_service.h"
#include "store/sqlite/sqlite_store.h"

namespace pim::pimd {

// Members are declared so that the service is destroyed first and the store after it.
struct Engine {
  SystemClock clock;
  RandomIdGenerator ids;
  std::optional<AuditSigner> signer;
  std::optional<SecretBox> secrets;
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<PimService> service;
};

// Loads (or, with `create_keys`, creates) the key files, opens DIR/pim.db and loads PimService,
// tuned by `serve`'s options when given.
Result<std::unique_ptr<Engine>> OpenEngine(const DataPaths& paths, const CommonOptions& common,
                                           bool create_keys, const ServeOptions* serve = nullptr);

}  // namespace pim::pimd
