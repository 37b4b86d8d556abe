#pragma once

#include "shop/infra/db/database.hpp"
#include "shop/infra/embed/embedded_file.hpp"

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

// Schema migrations: numbered SQL files (`0001_name.sql`) applied in order, each in its own
// transaction and recorded in shopd.schema_migrations with its SHA-256. A file edited after it was
// applied is refused, because the database would no longer match what the file says.
namespace shop::infra::db {

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Migration {
  int version;
  std::string name;  // file name
  std::string_view sql;
  std::string checksum;  // hex SHA-256 of sql
};

// Parses and orders the files; throws MigrationError on a bad name or a duplicate version.
std::vector<Migration> load_migrations(std::span<const EmbeddedFile> files);

struct MigrationStatus {
  std::vector<const Migration*> pending;
  std::vector<const Migration*> edited;  // applied with another checksum
  std::vector<int> unknown;              // applied versions this binary does not have (a newer one ran)
};

class Migrator {
 public:
  Migrator(Database& db, std::vector<Migration> migrations);

  // Blocking; for start-up and the `migrate` command, never on an I/O thread.
  MigrationStatus status();
  // Applies what is pending under an advisory lock, so concurrent starts apply each once. Refuses
  // (MigrationError) while an applied migration was edited. Returns the versions applied.
  std::vector<int> apply_pending();

  const Migration* latest() const { return migrations_.empty() ? nullptr : &migrations_.back(); }
  const std::vector<Migration>& migrations() const { return migrations_; }

 private:
  MigrationStatus status(Tx& tx);

  Database& db_;
  std::vector<Migration> migrations_;
};

}  // namespace shop::infra::db
