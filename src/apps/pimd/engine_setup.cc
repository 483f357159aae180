#include "apps/pimd/engine_setup.h"

#include <filesystem>

namespace pim::pimd {

Result<std::unique_ptr<Engine>> OpenEngine(const DataPaths& paths, const CommonOptions& common,
                                           bool create_keys, const ServeOptions* serve) {
  if (!create_keys) {
    for (const std::string& key : {paths.AuditKey(), paths.SecretKey()}) {
      std::error_code ec;
      if (!std::filesystem::exists(key, ec)) {
        return FailedPrecondition("Missing key file " + key +
                                  " (it is created by `pimd init` and must be kept with "
                                  "the database)");
      }
    }
  }
  RETURN_IF_ERROR(InitCrypto());
  auto engine = std::make_unique<Engine>();
  ASSIGN_OR_RETURN(AuditSigner signer, AuditSigner::LoadOrCreate(paths.AuditKey()));
  engine->signer.emplace(std::move(signer));
  ASSIGN_OR_RETURN(SecretBox secrets, SecretBox::LoadOrCreate(paths.SecretKey()));
  engine->secrets.emplace(std::move(secrets));
  ASSIGN_OR_RETURN(engine->store, SqliteStore::Open(paths.Database()));

  EngineOptions options;
  options.checkpoint_file = paths.AuditCheckpoint();
  if (common.argon2_memory_kib > 0)
    options.password_cost.memory_bytes = common.argon2_memory_kib << 10;
  if (common.argon2_passes > 0) options.password_cost.passes = common.argon2_passes;
  if (serve != nullptr && serve->mfa_freshness_seconds > 0) {
    options.mfa_freshness = Duration::Seconds(serve->mfa_freshness_seconds);
  }
  if (serve != nullptr && serve->sign_in_source_limit >= 0) {
    options.source_lockout_threshold = static_cast<int>(serve->sign_in_source_limit);
  }
  engine->service = std::make_unique<PimService>(*engine->store, engine->clock, engine->ids,
                                                 *engine->signer, *engine->secrets, options);
  RETURN_IF_ERROR(engine->service->Load());
  return engine;
}

}  // namespace pim::pimd
