#include "shop/infra/db/migrator.hpp"
#include "shop/infra/embed/embedded_file.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <span>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using shop::infra::EmbeddedFile;
using shop::infra::db::load_migrations;
using shop::infra::db::MigrationError;

namespace shop::app {
std::span<const infra::EmbeddedFile> embedded_migrations();
}

namespace {

std::string migration_error(std::vector<EmbeddedFile> files) {
  try {
    load_migrations(files);
  } catch (const MigrationError& e) {
    return e.what();
  }
  return "no error";
}

bool is_lower_hex(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

TEST_CASE("load_migrations orders files by version", "[unit][migrations]") {
  const std::vector<EmbeddedFile> files{
      {"0010_tenth.sql", "SELECT 10;"},
      {"0002_second.sql", "SELECT 2;"},
      {"0001_first.sql", "SELECT 1;"},
  };
  const auto migrations = load_migrations(files);
  REQUIRE(migrations.size() == 3);
  CHECK(migrations[0].version == 1);
  CHECK(migrations[0].name == "0001_first.sql");
  CHECK(migrations[0].sql == "SELECT 1;");
  CHECK(migrations[1].version == 2);
  CHECK(migrations[2].version == 10);
  CHECK(migrations[2].name == "0010_tenth.sql");
}

TEST_CASE("load_migrations computes a SHA-256 checksum of the SQL", "[unit][migrations]") {
  const std::vector<EmbeddedFile> files{
      {"0001_a.sql", "SELECT 1;"},
      {"0002_b.sql", "SELECT 2;"},
      {"0003_c.sql", "SELECT 1;"},
      {"0004_d.sql", ""},
  };
  const auto m = load_migrations(files);
  for (const auto& migration : m) {
    CAPTURE(migration.name, migration.checksum);
    CHECK(migration.checksum.size() == 64);
    CHECK(is_lower_hex(migration.checksum));
  }
  CHECK(m[0].checksum != m[1].checksum);
  CHECK(m[0].checksum == m[2].checksum);  // depends on the content only, not the name
  // SHA-256 of the empty string.
  CHECK(m[3].checksum == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("load_migrations rejects files not named NNNN_name.sql", "[unit][migrations]") {
  for (const auto* name : {"1_x.sql", "0001-x.sql", "0001_x.txt", "00001_x.sql", "0000_zero.sql", "0001_.sql",
                           "abcd_x.sql", "x0001_x.sql", "0001_x.sql.bak"}) {
    CAPTURE(name);
    const auto message = migration_error({{name, "SELECT 1;"}});
    CHECK_THAT(message, Contains(name) && Contains("NNNN_name.sql"));
  }
}

TEST_CASE("load_migrations rejects two files with the same version", "[unit][migrations]") {
  const auto message =
      migration_error({{"0001_a.sql", "SELECT 1;"}, {"0002_b.sql", ""}, {"0001_c.sql", "SELECT 3;"}});
  CHECK_THAT(message, Contains("0001_a.sql") && Contains("0001_c.sql"));
}

TEST_CASE("load_migrations accepts no files", "[unit][migrations]") {
  CHECK(load_migrations(std::span<const EmbeddedFile>{}).empty());
}

TEST_CASE("the migrations embedded in shopd load", "[unit][migrations]") {
  const auto files = shop::app::embedded_migrations();
  const auto migrations = load_migrations(files);
  CHECK(migrations.size() == files.size());
  CHECK_FALSE(migrations.empty());
}
