// `pimd init`: the data directory, its keys, the database and the first administrator.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "apps/pimd/commands.h"
#include "apps/pimd/engine_setup.h"
#include "core/clock.h"
#include "engine/demo_seed.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace pim::pimd {

namespace {

namespace fs = std::filesystem;

constexpr const char* kStagingFile = "pim.db.init";

// Removes the database files of `paths`: a failed init's, or an interrupted one's.
void RemoveDatabase(const DataPaths& paths) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    fs::remove(paths.Database() + suffix, ec);
  }
}

// Makes the staged database one file (its write-ahead log copied in and removed), durable, and
// renames it to pim.db, so that pim.db exists only complete: an init killed before this leaves
// just the staging file, which the next init removes.
Status Publish(const DataPaths& staged, const DataPaths& final_paths) {
  {
    ASSIGN_OR_RETURN(sqlite::Connection db,
                     sqlite::Connection::Open(staged.Database(), SqliteStore::kBusyTimeoutMs));
    RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=DELETE"));
  }  // closed: the log is gone
  auto sync = [](const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    bool ok = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0) ::close(fd);
    return ok;
  };
  if (!sync(staged.Database(), O_RDONLY)) return Internal("cannot sync " + staged.Database());
  if (std::rename(staged.Database().c_str(), final_paths.Database().c_str()) != 0) {
    return Internal("cannot rename " + staged.Database() + " to " + final_paths.Database());
  }
  if (!sync(final_paths.dir, O_RDONLY | O_DIRECTORY))
    return Internal("cannot sync " + final_paths.dir);
  return Status::Ok();
}

// An audit checkpoint file without a database describes a log that is gone (an interrupted
// init's, or a deleted database's): it would not match the new log. Kept aside, not deleted.
void SetAsideOrphanedCheckpointFile(const DataPaths& paths) {
  std::error_code ec;
  if (!fs::exists(paths.AuditCheckpoint(), ec)) return;
  const std::string aside = paths.AuditCheckpoint() + ".orphaned-" +
                            std::to_string(SystemClock().Now().micros() / 1000000);
  fs::rename(paths.AuditCheckpoint(), aside, ec);
  spdlog::warn(
      "{} had no database beside it; it is kept as {} (an interrupted init's, or the "
      "checkpoint of a database that was removed)",
      paths.AuditCheckpoint(), aside);
}

Status CreateDataDir(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return InvalidArgument(dir + " exists and is not a directory");
    return Status::Ok();
  }
  fs::create_directories(dir, ec);
  if (ec) return Internal("Cannot create " + dir + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) return Internal("Cannot set the mode of " + dir);
  return Status::Ok();
}

// Signs the administrator in to seed the demo tenant with their session, then signs out.
Status SeedDemo(Engine& engine, const std::string& upn, const std::string& password,
                const std::string& credentials_path, const std::string& server_url) {
  PimService& svc = *engine.service;
  ASSIGN_OR_RETURN(TokenGrant grant, svc.PasswordGrant(upn, password, std::nullopt, "127.0.0.1"));
  ASSIGN_OR_RETURN(Caller admin, svc.Authenticate(grant.access_token, "127.0.0.1"));
  RETURN_IF_ERROR(SeedDemoTenant(svc, engine.clock, admin, credentials_path, server_url));
  return svc.RevokeSession(admin);
}

Status Initialise(const InitOptions& options, const DataPaths& paths, const std::string& password) {
  RETURN_IF_ERROR(CreateDataDir(paths.dir));
  ASSIGN_OR_RETURN(std::unique_ptr<Engine> engine,
                   OpenEngine(paths, options, /*create_keys=*/true));
  if (engine->service->IsInitialized()) {
    return FailedPrecondition(paths.Database() + " is already initialised");
  }
  Result<Principal> admin = engine->service->Bootstrap(options.admin_upn, password);
  Status status = admin.status();
  if (status.ok() && options.demo) {
    status =
        SeedDemo(*engine, options.admin_upn, password, paths.DemoCredentials(), options.demo_url);
    if (status.ok())
      spdlog::info("demo tenant created; credentials in {}", paths.DemoCredentials());
  }
  engine->store->Close();
  return status;
}

}  // namespace

int RunInit(const InitOptions& options) {
  DataPaths paths(options.data);
  std::error_code ec;
  if (fs::exists(paths.Database(), ec)) {
    std::cerr << "pimd: " << paths.Database()
              << " already exists; refusing to initialise over an existing database\n";
    return 1;
  }
  std::string password;
  bool generated = options.admin_password_file.empty();
  if (generated) {
    password = GenerateRandomPassword(24);
  } else {
    Result<std::string> read = ReadPasswordFile(options.admin_password_file);
    if (!read.ok()) {
      std::cerr << "pimd: " << read.status().message() << "\n";
      return 1;
    }
    password = std::move(read).value();
  }

  DataPaths staged(options.data);
  staged.database_file = kStagingFile;
  RemoveDatabase(staged);  // an interrupted init's
  SetAsideOrphanedCheckpointFile(paths);
  Status status = Initialise(options, staged, password);
  if (status.ok()) status = Publish(staged, paths);
  if (!status.ok()) {
    RemoveDatabase(staged);
    std::cerr << "pimd: init failed: " << status.ToString() << "\n";
    return 1;
  }
  std::cout << "admin: " << options.admin_upn << "\n";
  if (generated) std::cout << "password: " << password << "\n";
  std::cout.flush();
  return 0;
}

}  // namespace pim::pimd
