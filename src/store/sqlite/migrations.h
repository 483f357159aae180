// Versioned schema migrations of the SQLite store. Each migration has a version (1, 2, ...) and
// SQL applied in one transaction together with its row in `schema_migrations(version, name)`.
// Migrations are append-only: a released migration is never edited, a change is a new one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/sqlite/sqlite_db.h"

namespace pim::sqlite {

struct Migration {
  int64_t version;
  std::string name;
  std::string sql;
};

// Every migration this binary knows, in version order.
const std::vector<Migration>& Migrations();

// The highest version this binary knows.
int64_t LatestSchemaVersion();

// Applies the missing migrations to `db` in order. Returns the resulting version, or
// FailedPrecondition when the database records a version newer than LatestSchemaVersion()
// (written by a newer pim; nothing is changed), or Internal on an SQLite error.
Result<int64_t> ApplyMigrations(Connection& db);

}  // namespace pim::sqlite
