#include "shop/infra/db/migrator.hpp"

#include "shop/infra/log/log.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace shop::infra::db {
namespace {

// Taken for the whole run of `apply_pending`; the number is arbitrary but fixed ("shopd" in ASCII).
constexpr long long kMigrationLockKey = 0x73686f7064;

constexpr const char* kCreateMigrationsTable = R"sql(
CREATE SCHEMA IF NOT EXISTS shopd;
CREATE TABLE IF NOT EXISTS shopd.schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";
constexpr const char* kMigrationsTableExists = "SELECT to_regclass('shopd.schema_migrations') IS NOT NULL";
constexpr const char* kSelectApplied =
    "SELECT version, checksum FROM shopd.schema_migrations ORDER BY version";
constexpr const char* kRecordMigration =
    "INSERT INTO shopd.schema_migrations (version, name, checksum) VALUES (:version, :name, :checksum)";
constexpr const char* kLock = "SELECT pg_advisory_lock(:key)";
constexpr const char* kUnlock = "SELECT pg_advisory_unlock(:key)";

std::string sha256_hex(std::string_view text) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

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
    out.push_back({version, std::string(name), file.content, sha256_hex(file.content)});
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

MigrationStatus Migrator::status(Session& session) {
  std::map<int, std::string> applied;
  int exists = 0;
  session.sql() << kMigrationsTableExists, soci::into(exists);
  if (exists != 0) {
    soci::rowset<soci::row> rows = (session.sql().prepare << kSelectApplied);
    for (const soci::row& row : rows) applied[row.get<int>(0)] = row.get<std::string>(1);
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
  for (const auto& [version, checksum] : applied) status.unknown.push_back(version);
  return status;
}

MigrationStatus Migrator::status() {
  auto read = [this](Session& session) { return status(session); };
  return db_.autocommit_blocking(read);
}

std::vector<int> Migrator::apply_pending() {
  auto apply = [this](Session& session) {
    long long key = kMigrationLockKey;
    session.sql() << kLock, soci::use(key);
    std::vector<int> applied;
    try {
      session.execute_script(kCreateMigrationsTable);
      const MigrationStatus current = status(session);
      if (!current.edited.empty()) {
        throw MigrationError(fmt::format(
            "migration {} was edited after it was applied (checksum differs); restore the file and add "
            "a new migration instead",
            current.edited.front()->name));
      }
      for (const Migration* m : current.pending) {
        soci::transaction tx(session.sql());
        session.execute_script(m->sql);
        int version = m->version;
        std::string name = m->name;
        std::string checksum = m->checksum;
        session.sql() << kRecordMigration, soci::use(version), soci::use(name), soci::use(checksum);
        tx.commit();
        log::info("db", "migration applied", {{"version", m->version}, {"name", m->name}});
        applied.push_back(m->version);
      }
    } catch (...) {
      try {
        session.sql() << kUnlock, soci::use(key);
      } catch (const soci::soci_error&) {
        // The connection broke; PostgreSQL released the lock with it.
      }
      throw;
    }
    session.sql() << kUnlock, soci::use(key);
    return applied;
  };
  return db_.autocommit_blocking(apply);
}

}  // namespace shop::infra::db
