// The user module's face to other modules: create_account (for the account commands) and
// UserDirectory::contact, which the notification module will use to address its mail.
#include "shop/user/user_module.hpp"

#include "shop/infra/crypto/field_cipher.hpp"
#include "shop/infra/exec/run_blocking.hpp"
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
using shop::infra::db::Tx;
using shop::infra::exec::WorkerPool;
using shop::infra::mail::MailQueue;
using shop::test::query_value;
using shop::test::TestDatabase;
using shop::user::AccountRefused;
using shop::user::Contact;
using shop::user::Role;
using Reason = AccountRefused::Reason;

namespace {

using Created = shop::infra::domain::Outcome<std::string, AccountRefused>;

// Runs UserModule::create_account to completion, as `shopd create-admin` does.
Created create(shop::user::UserModule& module, std::string username, std::string password, std::string email,
               std::string name, Role role) {
  // Named first: g++ 12 miscompiles a braced temporary passed to a coroutine (it frees the
  // temporary's strings twice).
  shop::user::OperatorAccount account{
      .username = username, .password = password, .email = email, .name = name, .role = role};
  return shop::infra::exec::run_blocking(module.create_account(std::move(account)));
}

bool refused_for(const Created& created, Reason reason) {
  return !created && created.error().reason == reason;
}

struct UserModuleFixture {
  UserModuleFixture() { shop::test::apply_project_migrations(t.url()); }

  std::optional<Contact> contact(std::string_view id) {
    auto ask = [&](Tx& tx) { return module->directory().contact(tx, id); };
    return db.transact_blocking(ask);
  }

  std::string make(std::string username, std::string email, std::string name, Role role) {
    auto created = create(*module, std::move(username), "correct horse battery", std::move(email),
                          std::move(name), role);
    REQUIRE(created);
    return *created;
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
  const auto id = f.make("ada_l", "ada@example.com", "Ada Lovelace", Role::kSeller);

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
  const auto id = f.make("bobby", "bob@example.com", "Bob", Role::kCustomer);

  CHECK_FALSE(f.contact("00000000-0000-0000-0000-000000000000"));
  CHECK_FALSE(f.contact("not-a-uuid'; DROP TABLE users.accounts; --"));
  CHECK(f.contact(id));

  query_value(f.t.url(), "UPDATE users.accounts SET status = 'withdrawn', username = NULL WHERE id = '" + id +
                             "' RETURNING 1");
  CHECK_FALSE(f.contact(id));
}

TEST_CASE("create_account names a bad field and refuses a taken username or e-mail", "[db][user]") {
  UserModuleFixture f;
  f.make("carol", "carol@example.com", "Carol", Role::kAdmin);

  const auto short_name =
      create(*f.module, "x", "correct horse battery", "x@example.com", "X", Role::kCustomer);
  REQUIRE(refused_for(short_name, Reason::kInvalid));
  CHECK(short_name.error().fields.at(0).field == "username");
  const auto short_password = create(*f.module, "dave", "short", "dave@example.com", "Dave", Role::kCustomer);
  REQUIRE(refused_for(short_password, Reason::kInvalid));
  CHECK(short_password.error().fields.at(0).field == "password");
  CHECK(refused_for(
      create(*f.module, "carol", "correct horse battery", "other@example.com", "C", Role::kCustomer),
      Reason::kUsernameTaken));
  // The same address in other letter case is the same address.
  CHECK(refused_for(
      create(*f.module, "carol2", "correct horse battery", "CAROL@example.com", "C", Role::kCustomer),
      Reason::kEmailTaken));
  CHECK(query_value(f.t.url(), "SELECT count(*) FROM users.accounts") == "1");
}

TEST_CASE("an e-mail indexed before a key rotation is still taken after it", "[db][user]") {
  UserModuleFixture before;
  before.make("erin", "erin@example.com", "Erin", Role::kCustomer);

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

  CHECK(
      refused_for(create(*after, "erin2", "correct horse battery", "Erin@Example.com", "E", Role::kCustomer),
                  Reason::kEmailTaken));
  const auto frank =
      create(*after, "frank", "correct horse battery", "frank@example.com", "F", Role::kCustomer);
  REQUIRE(frank);
  CHECK(refused_for(
      create(*after, "frank2", "correct horse battery", "frank@example.com", "F", Role::kCustomer),
      Reason::kEmailTaken));
  CHECK(query_value(before.t.url(), "SELECT count(*) FROM users.accounts") == "2");
  auto ask = [&](Tx& tx) { return after->directory().contact(tx, *frank); };
  CHECK(before.db.transact_blocking(ask)->email == "frank@example.com");
}
