#include "shop/infra/db/migrator.hpp"

#include "support/test_database.hpp"

#include <catch2/catch.hpp>

#include <thread>

using shop::infra::EmbeddedFile;
using shop::infra::db::Database;
using shop::infra::db::load_migrations;
using shop::infra::db::MigrationError;
using shop::infra::db::Migrator;
using shop::test::query_value;
using shop::test::TestDatabase;

namespace {

const EmbeddedFile kFirst{"0001_widgets.sql", "CREATE TABLE public.widgets (id int PRIMARY KEY, name text);"};
const EmbeddedFile kSecond{"0002_widget_price.sql",
                           "ALTER TABLE public.widgets ADD COLUMN price int NOT NULL DEFAULT 0;\n"
                           "CREATE INDEX widgets_price ON public.widgets (price);"};

Database make_db(const TestDatabase& t) {
  return Database({.url = t.url(), .pool_size = 2});
}

}  // namespace

TEST_CASE("migrations apply in order, each recorded with its checksum", "[db][migrations]") {
  TestDatabase t;
  auto db = make_db(t);
  const EmbeddedFile files[] = {kSecond, kFirst};
  Migrator migrator(db, load_migrations(files));

  REQUIRE(migrator.status().pending.size() == 2);
  CHECK(migrator.apply_pending() == std::vector<int>{1, 2});

  const auto status = migrator.status();
  CHECK(status.pending.empty());
  CHECK(status.edited.empty());
  CHECK(query_value(t.url(), "SELECT count(*) FROM shopd.schema_migrations") == "2");
  CHECK(query_value(t.url(), "SELECT checksum FROM shopd.schema_migrations WHERE version = 2") ==
        migrator.migrations()[1].checksum);
  // The second migration's two statements both ran.
  CHECK(query_value(t.url(), "SELECT count(*) FROM pg_indexes WHERE indexname = 'widgets_price'") == "1");
}

TEST_CASE("applying again is a no-op", "[db][migrations]") {
  TestDatabase t;
  auto db = make_db(t);
  const EmbeddedFile files[] = {kFirst, kSecond};
  Migrator migrator(db, load_migrations(files));
  migrator.apply_pending();
  query_value(t.url(), "INSERT INTO public.widgets (id, name) VALUES (1, 'kept')");

  CHECK(migrator.apply_pending().empty());
  CHECK(query_value(t.url(), "SELECT name FROM public.widgets WHERE id = 1") == "kept");
  CHECK(query_value(t.url(), "SELECT count(*) FROM shopd.schema_migrations") == "2");
}

TEST_CASE("a new migration is applied after the ones already there", "[db][migrations]") {
  TestDatabase t;
  auto db = make_db(t);
  const EmbeddedFile v1[] = {kFirst};
  Migrator(db, load_migrations(v1)).apply_pending();

  const EmbeddedFile v2[] = {kFirst, kSecond};
  Migrator migrator(db, load_migrations(v2));
  REQUIRE(migrator.status().pending.size() == 1);
  CHECK(migrator.apply_pending() == std::vector<int>{2});
}

TEST_CASE("an applied migration that was edited is detected and refused", "[db][migrations]") {
  TestDatabase t;
  auto db = make_db(t);
  const EmbeddedFile original[] = {kFirst};
  Migrator(db, load_migrations(original)).apply_pending();

  const EmbeddedFile edited[] = {{kFirst.name, "CREATE TABLE public.widgets (id bigint PRIMARY KEY);"},
                                 kSecond};
  Migrator migrator(db, load_migrations(edited));
  const auto status = migrator.status();
  REQUIRE(status.edited.size() == 1);
  CHECK(status.edited.front()->version == 1);
  CHECK_THROWS_AS(migrator.apply_pending(), MigrationError);
  // Nothing after the edited one was applied either.
  CHECK(query_value(t.url(), "SELECT count(*) FROM shopd.schema_migrations") == "1");
}

TEST_CASE("a failing migration leaves nothing half-applied", "[db][migrations]") {
  TestDatabase t;
  auto db = make_db(t);
  const EmbeddedFile files[] = {
      kFirst, {"0002_broken.sql", "CREATE TABLE public.half (id int);\nSELECT no_such_function();"}};
  Migrator migrator(db, load_migrations(files));
  CHECK_THROWS(migrator.apply_pending());
  CHECK(query_value(t.url(), "SELECT count(*) FROM shopd.schema_migrations") == "1");
  CHECK(query_value(t.url(), "SELECT to_regclass('public.half') IS NULL") == "t");
}

TEST_CASE("versions the binary does not know are reported, not refused", "[db][migrations]") {
  TestDatabase t;
  auto db = make_db(t);
  const EmbeddedFile newer[] = {kFirst, kSecond};
  Migrator(db, load_migrations(newer)).apply_pending();

  const EmbeddedFile older[] = {kFirst};
  const auto status = Migrator(db, load_migrations(older)).status();
  CHECK(status.pending.empty());
  CHECK(status.edited.empty());
  CHECK(status.unknown == std::vector<int>{2});
}

TEST_CASE("two processes migrating at once apply each migration once", "[db][migrations]") {
  TestDatabase t;
  const EmbeddedFile files[] = {kFirst, kSecond};
  std::vector<int> applied_a;
  std::vector<int> applied_b;
  std::thread a([&] {
    auto db = make_db(t);
    applied_a = Migrator(db, load_migrations(files)).apply_pending();
  });
  std::thread b([&] {
    auto db = make_db(t);
    applied_b = Migrator(db, load_migrations(files)).apply_pending();
  });
  a.join();
  b.join();
  CHECK(applied_a.size() + applied_b.size() == 2);
  CHECK(query_value(t.url(), "SELECT count(*) FROM shopd.schema_migrations") == "2");
}
