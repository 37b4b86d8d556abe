#include "shop/infra/db/migrator.hpp"

#include "connection.hpp"
#include "shop/infra/crypto/digest.hpp"
#include "shop/infra/log/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace shop::infra::db {
namespace {

// Every migration transaction takes it first, so concurrent starts apply each migration once; the
// number is arbitrary but fixed ("shopd" in ASCII).
constexpr std::int64_t kMigrationLockKey = 0x73686f7064;

constexpr const char* kCreateMigrationsTable = R"sql(
CREATE SCHEMA IF NOT EXISTS shopd;
CREATE TABLE IF NOT EXISTS shopd.schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";
constexpr Statement kMigrationsTableExists{"db.migrations_table_exists",
                                           "SELECT to_regclass('shopd.schema_migrations') IS NOT NULL"};
constexpr Statement kSelectApplied{"db.applied_migrations",
                                   "SELECT version, checksum FROM shopd.schema_migrations ORDER BY version"};
constexpr Statement kRecordMigration{
    "db.record_migration",
    "INSERT INTO shopd.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)"};
constexpr Statement kLock{"db.migration_lock", "SELECT pg_advisory_xact_lock($1)"};

}  // namespace

std::vector<Migration> load_migrations(std::span<const EmbeddedFile> files) {
  std::vector<Migration> out;
  for (const EmbeddedFile& file : files) {
    int version = 0;
    const auto name = file.name;
    const auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
    const auto digits = static_cast<std::size_t>(ptr - name.data());
    if (ec != std::errc{} || digits != 4 || version <= 0 || name.size() < 10 || name[4] != '_' ||
        !name.ends_with(".sql")) {
      throw MigrationError(fmt::format("migration file '{}' is not named NNNN_name.sql", name));
    }
    out.push_back({version, std::string(name), file.content, crypto::sha256_hex(file.content)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      throw MigrationError(
          fmt::format("migrations {} and {} share version {}", out[i - 1].name, out[i].name, out[i].version));
    }
  }
  return out;
}

Migrator::Migrator(Database& db, std::vector<Migration> migrations)
    : db_(db), migrations_(std::move(migrations)) {}

MigrationStatus Migrator::status(Tx& tx) {
  std::map<std::int64_t, std::string> applied;
  if (tx.query(kMigrationsTableExists)[0].boolean(0)) {
    for (const auto row : tx.query(kSelectApplied)) applied[row.integer(0)] = row.string(1);
  }
  MigrationStatus status;
  for (const Migration& m : migrations_) {
    const auto it = applied.find(m.version);
    if (it == applied.end()) {
      status.pending.push_back(&m);
    } else {
      if (it->second != m.checksum) status.edited.push_back(&m);
      applied.erase(it);
    }
  }
  for (const auto& [version, checksum] : applied) status.unknown.push_back(static_cast<int>(version));
  return status;
}

MigrationStatus Migrator::status() {
  auto read = [this](Tx& tx) { return status(tx); };
  return db_.transact_blocking(read);
}

std::vector<int> Migrator::apply_pending() {
  // One transaction per migration: a failing one rolls back alone, and those before it stay applied.
  auto apply_next = [this](Tx& tx) -> const Migration* {
    tx.query(kLock, kMigrationLockKey);
    execute_script(tx, kCreateMigrationsTable);
    const MigrationStatus current = status(tx);
    if (!current.edited.empty()) {
      throw MigrationError(fmt::format(
          "migration {} was edited after it was applied (checksum differs); restore the file and add "
          "a new migration instead",
          current.edited.front()->name));
    }
    if (current.pending.empty()) return nullptr;
    const Migration& m = *current.pending.front();
    execute_script(tx, m.sql);
    tx.exec(kRecordMigration, m.version, m.name, m.checksum);
    return &m;
  };
  std::vector<int> applied;
  while (const Migration* m = db_.transact_blocking(apply_next)) {
    log::info("db", "migration applied", {{"version", m->version}, {"name", m->name}});
    applied.push_back(m->version);
  }
  return applied;
}

}  // namespace shop::infra::db
