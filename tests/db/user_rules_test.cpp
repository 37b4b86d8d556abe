// The user module's time-dependent rules, driven by an injected ManualClock instead of sleeps: code
// expiry, attempt windows, unverified accounts that stop holding their names, the absolute session
// lifetime, and the retention job. Verification codes are read back from the real file transport.
#include "accounts.hpp"
#include "sessions.hpp"
#include "verification.hpp"

#include "shop/infra/events/dispatcher.hpp"
#include "shop/infra/exec/run_blocking.hpp"
#include "shop/infra/mail/mail.hpp"

#include "support/project_migrations.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using shop::infra::exec::run_blocking;
using shop::test::query_value;
namespace user = shop::user;

namespace {

user::UserOptions short_options() {
  user::UserOptions o;
  o.code_ttl = 10min;
  o.pending_account_ttl = 24h;
  o.session_lifetime = 1h;
  o.access_ttl = 15min;
  o.refresh_ttl = 14 * 24h;
  o.mail_from = "shopd <no-reply@shop.example>";
  o.limits.login_per_username = 3;
  o.limits.login_per_address = 100;
  o.limits.login_window = 15min;
  o.limits.verify_attempts = 5;
  o.limits.verification_max_failures = 8;
  o.limits.resend_interval = 1min;
  o.limits.signup_per_address = 2;
  return o;
}

struct Rules {
  explicit Rules(user::UserOptions options = short_options())
      : ctx({.db = db,
             .clock = clock,
             .keys = keys,
             .passwords = passwords,
             .mail = mail,
             .options = options}) {
    shop::test::apply_project_migrations(t.url());
    dispatcher.add(mail.sender(*transport));
    dispatcher.register_subscriptions();
  }

  // Signs up (pending) and returns the account id.
  std::string signup(const std::string& username, const std::string& client = "192.0.2.1") {
    user::AccountRequest request{.username = username,
                                 .password = "correct horse battery",
                                 .email = username + "@example.com",
                                 .name = "Kim Minji",
                                 .phone = "010-1234-5678",
                                 .client_subject = client};
    auto created = run_blocking(user::create_account(ctx, std::move(request)));
    REQUIRE(created);
    return *created;
  }

  // The newest code mailed to `username`: the mail is delivered by the real sender through the file
  // transport, and the code stands on a line of its own.
  std::string code_for(const std::string& username) {
    dispatcher.dispatch_once();
    std::string code;
    auto newest = std::filesystem::file_time_type::min();
    for (const auto& f : shop::test::files_in(mail_dir.path(), ".eml")) {
      const auto text = shop::test::read_file(f);
      if (text.find("To: " + username + "@example.com\r\n") == std::string::npos) continue;
      if (std::filesystem::last_write_time(f) < newest) continue;
      newest = std::filesystem::last_write_time(f);
      for (std::size_t at = text.find("\r\n\r\n"); at != std::string::npos; at = text.find("\r\n", at + 2)) {
        const auto line = text.substr(at + 2, 8);
        if (line.size() == 8 && line.substr(6) == "\r\n" &&
            line.substr(0, 6).find_first_not_of("0123456789") == std::string::npos) {
          code = line.substr(0, 6);
        }
      }
    }
    REQUIRE(code.size() == 6);
    return code;
  }

  auto verify(const std::string& username, const std::string& code) {
    return run_blocking(user::verify_email(ctx, username, code));
  }

  auto login(const std::string& username, const std::string& password,
             const std::string& client = "192.0.2.9") {
    user::LoginAttempt attempt{username, password, client};
    return run_blocking(user::login(ctx, std::move(attempt)));
  }

  shop::test::TestDatabase t;
  shop::infra::db::Database db{{.url = t.url(), .pool_size = 2, .read_pool_size = 1}};
  shop::infra::clock::ManualClock clock{std::chrono::sys_days(std::chrono::year(2026) / 11 / 20) + 9h};
  shop::infra::crypto::KeyRing keys = shop::infra::crypto::KeyRing::generate();
  shop::infra::crypto::FieldCipher cipher{keys};
  shop::infra::exec::WorkerPool cpu{1};
  shop::infra::crypto::PasswordHasher passwords{{1, 8 * 1024}, cpu, shop::infra::crypto::kWeakCostForTests};
  shop::infra::mail::MailQueue mail{cipher};
  shop::test::TempDir mail_dir;
  std::unique_ptr<shop::infra::mail::MailTransport> transport =
      shop::infra::mail::make_file_transport(mail_dir.path());
  shop::infra::events::Dispatcher dispatcher{db, clock, {}};
  user::UserContext ctx;
};

}  // namespace

using VerifyReason = user::VerifyRefused::Reason;
using LoginReason = user::LoginRefused::Reason;

TEST_CASE("a verification code expires by the injected clock and a resent one works", "[db][user]") {
  Rules r;
  r.signup("minji");
  const auto first = r.code_for("minji");
  r.clock.advance(10min + 1s);
  const auto late = r.verify("minji", first);
  REQUIRE_FALSE(late);
  CHECK(late.error().reason == VerifyReason::kExpired);

  REQUIRE(run_blocking(user::resend_verification(r.ctx, "minji")));
  const auto second = r.code_for("minji");
  CHECK(r.verify("minji", second));
  CHECK(query_value(r.t.url(), "SELECT status FROM users.accounts WHERE username = 'minji'") == "active");
}

TEST_CASE("wrong codes void a code, and the account's total across resends is capped", "[db][user]") {
  Rules r;  // 5 wrong tries per code, 8 per account
  r.signup("jisoo");
  for (int i = 0; i < 5; ++i) CHECK(r.verify("jisoo", "000000").error().reason == VerifyReason::kInvalidCode);
  const auto right = r.code_for("jisoo");
  const auto void_code = r.verify("jisoo", right);
  REQUIRE_FALSE(void_code);
  CHECK(void_code.error().reason == VerifyReason::kCodeVoid);

  // A resend (a minute later) gives a fresh code, but only 3 more wrong tries remain in all.
  r.clock.advance(1min);
  REQUIRE(run_blocking(user::resend_verification(r.ctx, "jisoo")));
  for (int i = 0; i < 3; ++i) CHECK(r.verify("jisoo", "000000").error().reason == VerifyReason::kInvalidCode);
  const auto capped = r.verify("jisoo", r.code_for("jisoo"));
  REQUIRE_FALSE(capped);
  CHECK(capped.error().reason == VerifyReason::kTooManyFailures);
  CHECK(capped.error().retry_after > 23h);  // until the unverified account expires
  r.clock.advance(1min);
  const auto resend = run_blocking(user::resend_verification(r.ctx, "jisoo"));
  REQUIRE_FALSE(resend);
  CHECK(resend.error().reason == user::ResendRefused::Reason::kTooManyFailures);
}

TEST_CASE("login attempts count before the password check and their window restarts", "[db][user]") {
  Rules r;  // 3 attempts per username per 15 minutes
  r.signup("haneul");
  REQUIRE(r.verify("haneul", r.code_for("haneul")));
  for (int i = 0; i < 3; ++i)
    CHECK(r.login("haneul", "wrong password").error().reason == LoginReason::kInvalidCredentials);
  // The fourth attempt is refused before the password is looked at, even the right one.
  const auto refused = r.login("haneul", "correct horse battery");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().reason == LoginReason::kTooManyAttempts);
  CHECK(refused.error().retry_after <= 15min);

  r.clock.advance(15min);
  REQUIRE(r.login("haneul", "correct horse battery"));
  // The success forgave the username's attempts: three wrong ones are allowed again.
  for (int i = 0; i < 3; ++i)
    CHECK(r.login("haneul", "wrong password").error().reason == LoginReason::kInvalidCredentials);
}

TEST_CASE("a username no account can have is an unknown user, not an error", "[db][user]") {
  Rules r;
  r.signup("dahye");
  REQUIRE(r.verify("dahye", r.code_for("dahye")));
  // libpq would have cut this at the NUL and looked up "dahye".
  const auto smuggled = r.login(std::string("dahye\0anything", 14), "correct horse battery");
  REQUIRE_FALSE(smuggled);
  CHECK(smuggled.error().reason == LoginReason::kInvalidCredentials);
}

TEST_CASE("an unverified account past its time frees its username and e-mail at once", "[db][user]") {
  Rules r;
  const auto squatter = r.signup("yuna", "198.51.100.7");
  CHECK_FALSE(run_blocking(user::username_available(r.ctx, "yuna")));
  r.clock.advance(24h);
  CHECK(run_blocking(user::username_available(r.ctx, "yuna")));

  // The owner of the address signs up with the same username and e-mail; the old row is gone.
  const auto owner = r.signup("yuna", "198.51.100.8");
  CHECK(owner != squatter);
  CHECK(query_value(r.t.url(), "SELECT count(*) FROM users.accounts") == "1");

  // The retention job deletes the other expired ones.
  r.signup("bora");
  r.clock.advance(24h);
  auto purge = [&](shop::infra::db::Tx& tx) { return user::purge_expired_pending_accounts(r.ctx, tx); };
  CHECK(r.db.transact_blocking(purge) == 2);
  CHECK(query_value(r.t.url(), "SELECT count(*) FROM users.accounts") == "0");
}

TEST_CASE("signups per client address are limited", "[db][user]") {
  Rules r;  // 2 per hour
  r.signup("first1", "203.0.113.5");
  r.signup("second2", "203.0.113.5");
  user::AccountRequest third{.username = "third3",
                             .password = "correct horse battery",
                             .email = "third3@example.com",
                             .name = "Third",
                             .phone = "010-1234-5678",
                             .client_subject = "203.0.113.5"};
  const auto refused = run_blocking(user::create_account(r.ctx, std::move(third)));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().reason == user::AccountRefused::Reason::kTooManySignups);
  CHECK(refused.error().retry_after > 0s);
  CHECK(query_value(r.t.url(), "SELECT count(*) FROM users.accounts WHERE username = 'third3'") == "0");
  r.signup("other4", "203.0.113.6");  // another address is not affected
}

TEST_CASE("a session ends after its lifetime however recently its tokens rotated", "[db][user]") {
  Rules r;  // sessions live 1 hour, access tokens 15 minutes
  r.signup("seoyeon");
  REQUIRE(r.verify("seoyeon", r.code_for("seoyeon")));
  auto pair = r.login("seoyeon", "correct horse battery");
  REQUIRE(pair);
  std::string refresh_token = pair->refresh_token;
  std::string access_token;
  for (int i = 0; i < 5; ++i) {  // rotating every 10 minutes, the last at 50 minutes
    r.clock.advance(10min);
    auto next = run_blocking(user::refresh(r.ctx, refresh_token));
    REQUIRE(next);
    refresh_token = next->refresh_token;
    access_token = next->access_token;
  }
  CHECK(run_blocking(user::authenticate(r.ctx, access_token)));
  r.clock.advance(11min);  // 61 minutes after login; the access token itself is 11 minutes old
  CHECK_FALSE(run_blocking(user::authenticate(r.ctx, access_token)));
  CHECK_FALSE(run_blocking(user::refresh(r.ctx, refresh_token)));
}

TEST_CASE("retention deletes ended sessions, expired tokens and finished counters", "[db][user]") {
  Rules r;
  r.signup("eunji");
  REQUIRE(r.verify("eunji", r.code_for("eunji")));
  REQUIRE(r.login("eunji", "correct horse battery"));
  CHECK(r.login("eunji", "wrong").error().reason == LoginReason::kInvalidCredentials);
  CHECK(query_value(r.t.url(), "SELECT count(*) FROM users.sessions") == "1");
  CHECK(query_value(r.t.url(), "SELECT count(*) > 0 FROM users.rate_limits") == "t");

  r.clock.advance(15 * 24h);
  auto purge = [&](shop::infra::db::Tx& tx) {
    return user::purge_sessions(r.ctx, tx) + r.ctx.limiter.purge_expired(tx);
  };
  CHECK(r.db.transact_blocking(purge) >= 2);
  CHECK(query_value(r.t.url(), "SELECT count(*) FROM users.sessions") == "0");
  CHECK(query_value(r.t.url(), "SELECT count(*) FROM users.refresh_tokens") == "0");
  CHECK(query_value(r.t.url(), "SELECT count(*) FROM users.rate_limits") == "0");
}
