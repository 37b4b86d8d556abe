// The user module's face to other modules: create_account (for the account commands) and
// UserDirectory::contact, which the notification module will use to address its mail.
#include "shop/user/user_module.hpp"

#include "shop/infra/crypto/field_cipher.hpp"
#include "shop/infra/exec/worker_pool.hpp"

#include "support/project_migrations.hpp"
#include "support/test_database.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using shop::infra::clock::SystemClock;
using shop::infra::crypto::FieldCipher;
using shop::infra::crypto::KeyRing;
using shop::infra::crypto::kWeakCostForTests;
using shop::infra::crypto::PasswordHasher;
using shop::infra::db::Database;
using shop::infra::db::Session;
using shop::infra::exec::WorkerPool;
using shop::infra::mail::MailQueue;
using shop::test::query_value;
using shop::test::TestDatabase;
using shop::user::Contact;
using shop::user::Role;

namespace {

struct UserModuleFixture {
  UserModuleFixture() { shop::test::apply_project_migrations(t.url()); }

  std::optional<Contact> contact(std::string_view id) {
    auto ask = [&](Session& session) { return module->directory().contact(session, id); };
    return db.autocommit_blocking(ask);
  }

  TestDatabase t;
  Database db{{.url = t.url(), .pool_size = 2, .read_pool_size = 1}};
  SystemClock clock;
  KeyRing keys = KeyRing::generate();
  FieldCipher cipher{keys};
  WorkerPool cpu{1};
  PasswordHasher passwords{{1, 8 * 1024}, cpu, kWeakCostForTests};
  MailQueue mail{cipher};
  std::unique_ptr<shop::user::UserModule> module = shop::user::make_user_module(
      {.db = db, .clock = clock, .keys = keys, .passwords = passwords, .mail = mail, .options = {}});
};

}  // namespace

TEST_CASE("the directory answers an active account's contact, decrypted", "[db][user]") {
  UserModuleFixture f;
  const auto id = f.module->create_account("ada_l", "correct horse battery", "ada@example.com",
                                           "Ada Lovelace", "010-1234-5678", Role::kSeller);

  const auto contact = f.contact(id);
  REQUIRE(contact);
  CHECK(contact->user_id == id);
  CHECK(contact->username == "ada_l");
  CHECK(contact->email == "ada@example.com");
  CHECK(contact->name == "Ada Lovelace");
  // What the directory decrypted is stored sealed.
  CHECK(query_value(f.t.url(),
                    "SELECT position('ada@example.com' in encode(email_ct, 'escape')) FROM users.accounts") ==
        "0");
}

TEST_CASE("the directory knows nothing of unknown ids, malformed ids or withdrawn accounts", "[db][user]") {
  UserModuleFixture f;
  const auto id = f.module->create_account("bobby", "correct horse battery", "bob@example.com", "Bob", "",
                                           Role::kCustomer);

  CHECK_FALSE(f.contact("00000000-0000-0000-0000-000000000000"));
  CHECK_FALSE(f.contact("not-a-uuid'; DROP TABLE users.accounts; --"));
  CHECK(f.contact(id));

  query_value(f.t.url(), "UPDATE users.accounts SET status = 'withdrawn', username = NULL WHERE id = '" + id +
                             "' RETURNING 1");
  CHECK_FALSE(f.contact(id));
}

TEST_CASE("create_account names a bad field and refuses a taken username or e-mail", "[db][user]") {
  UserModuleFixture f;
  f.module->create_account("carol", "correct horse battery", "carol@example.com", "Carol", "", Role::kAdmin);

  CHECK_THROWS_AS(
      f.module->create_account("x", "correct horse battery", "x@example.com", "X", "", Role::kCustomer),
      std::invalid_argument);
  CHECK_THROWS_WITH(
      f.module->create_account("dave", "short", "dave@example.com", "Dave", "", Role::kCustomer),
      Catch::Contains("password"));
  CHECK_THROWS_AS(f.module->create_account("carol", "correct horse battery", "other@example.com", "C", "",
                                           Role::kCustomer),
                  std::runtime_error);
  // The same address in other letter case is the same address.
  CHECK_THROWS_AS(f.module->create_account("carol2", "correct horse battery", "CAROL@example.com", "C", "",
                                           Role::kCustomer),
                  std::runtime_error);
  CHECK(query_value(f.t.url(), "SELECT count(*) FROM users.accounts") == "1");
}

TEST_CASE("an e-mail indexed before a key rotation is still taken after it", "[db][user]") {
  UserModuleFixture before;
  before.module->create_account("erin", "correct horse battery", "erin@example.com", "Erin", "",
                                Role::kCustomer);

  // The same database served with the rotated ring: new rows are indexed under the new key.
  const KeyRing rotated = before.keys.rotated();
  const FieldCipher cipher(rotated);
  const MailQueue mail(cipher);
  SystemClock clock;
  const auto after = shop::user::make_user_module({.db = before.db,
                                                   .clock = clock,
                                                   .keys = rotated,
                                                   .passwords = before.passwords,
                                                   .mail = mail,
                                                   .options = {}});

  CHECK_THROWS_AS(
      after->create_account("erin2", "correct horse battery", "Erin@Example.com", "E", "", Role::kCustomer),
      std::runtime_error);
  const auto frank =
      after->create_account("frank", "correct horse battery", "frank@example.com", "F", "", Role::kCustomer);
  CHECK_THROWS_AS(
      after->create_account("frank2", "correct horse battery", "frank@example.com", "F", "", Role::kCustomer),
      std::runtime_error);
  CHECK(query_value(before.t.url(), "SELECT count(*) FROM users.accounts") == "2");
  auto ask = [&](Session& session) { return after->directory().contact(session, frank); };
  CHECK(before.db.autocommit_blocking(ask)->email == "frank@example.com");
}
