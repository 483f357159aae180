// `pimd init`: the data directory, its keys, the database and the first administrator.
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "apps/pimd/commands.h"
#include "apps/pimd/engine_setup.h"
#include "engine/demo_seed.h"

namespace pim::pimd {

namespace {

namespace fs = std::filesystem;

// Removes the database files a failed init left behind, so that init can simply be run again.
void RemoveDatabase(const DataPaths& paths) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    fs::remove(paths.Database() + suffix, ec);
  }
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

  Status status = Initialise(options, paths, password);
  if (!status.ok()) {
    RemoveDatabase(paths);
    std::cerr << "pimd: init failed: " << status.ToString() << "\n";
    return 1;
  }
  std::cout << "admin: " << options.admin_upn << "\n";
  if (generated) std::cout << "password: " << password << "\n";
  std::cout.flush();
  return 0;
}

}  // namespace pim::pimd
