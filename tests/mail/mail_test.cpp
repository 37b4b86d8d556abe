// Mail transports: the file transport as a client reads it, and SMTP against a real SMTP server
// (Debian's aiosmtpd) on loopback.
#include "shop/infra/mail/mail.hpp"
#include "shop/infra/events/dispatcher.hpp"
#include "shop/infra/mail/mail_outbox.hpp"

#include "support/http_client.hpp"
#include "support/project_migrations.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace mail = shop::infra::mail;
namespace fs = std::filesystem;
using shop::test::files_in;
using shop::test::read_file;
using shop::test::TempDir;

namespace {

std::uint16_t free_port() {
  const std::string command = std::string(SHOP_SOURCE_DIR) + "/scripts/pg.sh free-port";
  FILE* pipe = ::popen(command.c_str(), "r");
  char buffer[32] = {};
  const bool ok = std::fgets(buffer, sizeof buffer, pipe) != nullptr;
  ::pclose(pipe);
  REQUIRE(ok);
  return static_cast<std::uint16_t>(std::stoi(buffer));
}

// aiosmtpd storing every message it accepts into a maildir.
class SmtpServer {
 public:
  explicit SmtpServer(const fs::path& maildir, std::uint16_t port = free_port()) : port_(port) {
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string listen = fmt::format("127.0.0.1:{}", port_);
      const std::string dir = maildir.string();
      ::execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
              "aiosmtpd.handlers.Mailbox", dir.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200 && shop::test::connection_refused(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    REQUIRE_FALSE(shop::test::connection_refused(port_));
  }
  ~SmtpServer() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::uint16_t port() const { return port_; }

 private:
  std::uint16_t port_;
  pid_t pid_ = -1;
};

mail::SmtpOptions smtp_options(std::uint16_t port, mail::SmtpOptions::Tls tls) {
  mail::SmtpOptions options;
  options.port = port;
  options.tls = tls;
  options.timeout = std::chrono::milliseconds(2000);
  return options;
}

const mail::MailMessage kMessage{"shopd <no-reply@shop.test>", "kim@example.com", "주문이 결제되었습니다",
                                 "Your code:\n123456\n.\nThanks", ""};

}  // namespace

TEST_CASE("messages are formatted per RFC 5322 with a UTF-8 body", "[mail]") {
  const auto text = mail::format_message(kMessage, std::chrono::system_clock::from_time_t(0), "id@shopd");
  CHECK(text.starts_with("From: shopd <no-reply@shop.test>\r\nTo: kim@example.com\r\n"));
  // A non-ASCII subject is an RFC 2047 encoded-word: standard Base64 with padding.
  CHECK(text.find("Subject: =?UTF-8?B?7KO866y47J20IOqysOygnOuQmOyXiOyKteuLiOuLpA==?=\r\n") !=
        std::string::npos);
  CHECK(text.find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n") != std::string::npos);
  CHECK(text.find("Content-Type: text/plain; charset=UTF-8\r\n") != std::string::npos);
  CHECK(text.ends_with("\r\n\r\nYour code:\r\n123456\r\n.\r\nThanks\r\n"));
}

TEST_CASE("line breaks in headers are refused", "[mail]") {
  auto injected = kMessage;
  injected.to = "kim@example.com\r\nBcc: everyone@example.com";
  CHECK_THROWS_AS(mail::format_message(injected, std::chrono::system_clock::now(), "id"),
                  std::invalid_argument);
  injected = kMessage;
  injected.subject = "hi\nBcc: x";
  CHECK_THROWS_AS(mail::format_message(injected, std::chrono::system_clock::now(), "id"),
                  std::invalid_argument);
}

TEST_CASE("the file transport writes one .eml per message", "[mail]") {
  TempDir dir;
  auto transport = mail::make_file_transport(dir.path() / "mail");
  transport->send(kMessage);
  auto second = kMessage;
  second.to = "lee@example.com";
  transport->send(second);

  const auto files = files_in(dir.path() / "mail", ".eml");
  REQUIRE(files.size() == 2);
  CHECK(files_in(dir.path() / "mail").size() == 2);  // no temporary files left behind
  std::set<std::string> recipients;
  for (const auto& f : files) {
    const auto text = read_file(f);
    recipients.insert(text.find("To: kim@example.com\r\n") != std::string::npos ? "kim" : "lee");
    CHECK(text.find("\r\n123456\r\n") != std::string::npos);  // the code on a line of its own
  }
  CHECK(recipients == std::set<std::string>{"kim", "lee"});
}

TEST_CASE("SMTP delivers to a real server", "[mail][smtp]") {
  TempDir dir;
  SmtpServer server(dir.path() / "maildir");
  auto transport = mail::make_smtp_transport(smtp_options(server.port(), mail::SmtpOptions::Tls::kNone));
  transport->send(kMessage);

  const auto delivered = files_in(dir.path() / "maildir" / "new");
  REQUIRE(delivered.size() == 1);
  const auto text = read_file(delivered.front());
  CHECK(text.find("To: kim@example.com") != std::string::npos);
  CHECK(text.find("=?UTF-8?B?") != std::string::npos);
  // The lone "." survived SMTP's end-of-data convention (dot-stuffing).
  CHECK(text.find("123456\n.\nThanks") != std::string::npos);
}

TEST_CASE("SMTP failures are MailErrors, to be retried", "[mail][smtp]") {
  const auto port = free_port();  // nothing listens there
  auto transport = mail::make_smtp_transport(smtp_options(port, mail::SmtpOptions::Tls::kNone));
  CHECK_THROWS_AS(transport->send(kMessage), mail::MailError);
}

TEST_CASE("STARTTLS is required unless disabled: a server without it gets nothing", "[mail][smtp]") {
  TempDir dir;
  SmtpServer server(dir.path() / "maildir");
  auto transport = mail::make_smtp_transport(smtp_options(server.port(), mail::SmtpOptions::Tls::kStartTls));
  CHECK_THROWS_AS(transport->send(kMessage), mail::MailError);
  CHECK(files_in(dir.path() / "maildir" / "new").empty());
}

namespace {

// shopd's schema on a fresh database, and a dispatcher that sends queued mail through `transport`.
struct MailOutbox {
  explicit MailOutbox(mail::MailTransport& transport)
      : dispatcher(db, clock, {.max_attempts = 5, .retry_base = std::chrono::seconds(1)}) {
    dispatcher.add(mail_queue.sender(transport));
    dispatcher.register_subscriptions();
  }
  std::string queue(const mail::MailMessage& message) {
    auto queue_one = [&](shop::infra::db::Tx& tx) { return mail_queue.queue(tx, message); };
    return db.transact_blocking(queue_one);
  }
  std::string delivery(const std::string& column) const {
    return shop::test::query_value(t.url(), "SELECT " + column + " FROM shopd.event_deliveries");
  }

  shop::test::TestDatabase t;
  bool migrated = (shop::test::apply_project_migrations(t.url()), true);
  shop::infra::db::Database db{{.url = t.url(), .pool_size = 2, .read_pool_size = 1}};
  shop::infra::clock::ManualClock clock;
  shop::infra::crypto::FieldCipher cipher{shop::infra::crypto::KeyRing::generate()};
  mail::MailQueue mail_queue{cipher};
  shop::infra::events::Dispatcher dispatcher;
};

}  // namespace

TEST_CASE("mail queued in a transaction that rolls back is never sent", "[mail][db]") {
  TempDir dir;
  auto transport = mail::make_file_transport(dir.path() / "mail");
  MailOutbox outbox(*transport);
  auto queue_then_fail = [&](shop::infra::db::Tx& tx) {
    outbox.mail_queue.queue(tx, kMessage);
    throw std::runtime_error("signup failed after all");
  };
  CHECK_THROWS(outbox.db.transact_blocking(queue_then_fail));
  CHECK(outbox.dispatcher.dispatch_once() == 0);
  CHECK(files_in(dir.path() / "mail").empty());

  const auto id = outbox.queue(kMessage);
  CHECK(outbox.dispatcher.dispatch_once() == 1);
  const auto files = files_in(dir.path() / "mail", ".eml");
  REQUIRE(files.size() == 1);
  CHECK(read_file(files.front()).find("Message-ID: <" + id + "@shopd>\r\n") != std::string::npos);
  // Sealed in the outbox: neither the recipient nor the body is readable there.
  const auto stored =
      shop::test::query_value(outbox.t.url(), "SELECT payload::text FROM shopd.outbox_events");
  CHECK(stored.find("kim@example.com") == std::string::npos);
  CHECK(stored.find("123456") == std::string::npos);
}

TEST_CASE("a message with a line break in a header is refused before it is queued", "[mail][db]") {
  TempDir dir;
  auto transport = mail::make_file_transport(dir.path() / "mail");
  MailOutbox outbox(*transport);
  auto injected = kMessage;
  injected.subject = "hi\r\nBcc: everyone@example.com";
  CHECK_THROWS_AS(outbox.queue(injected), std::invalid_argument);
  CHECK(shop::test::query_value(outbox.t.url(), "SELECT count(*) FROM shopd.outbox_events") == "0");
}

TEST_CASE("queued mail waits out an SMTP outage and goes out once the server answers", "[mail][smtp][db]") {
  TempDir dir;
  const auto port = free_port();
  auto transport = mail::make_smtp_transport(smtp_options(port, mail::SmtpOptions::Tls::kNone));
  MailOutbox outbox(*transport);
  const auto id = outbox.queue(kMessage);

  CHECK(outbox.dispatcher.dispatch_once() == 1);  // nobody listens on the port yet
  CHECK(outbox.delivery("status") == "pending");
  CHECK(outbox.delivery("attempts") == "1");
  CHECK_THAT(outbox.delivery("last_error"), Catch::Contains("SMTP delivery"));

  SmtpServer server(dir.path() / "maildir", port);
  CHECK(outbox.dispatcher.dispatch_once() == 0);  // backing off
  outbox.clock.advance(std::chrono::seconds(1));
  CHECK(outbox.dispatcher.dispatch_once() == 1);
  CHECK(outbox.delivery("status") == "handled");
  const auto delivered = files_in(dir.path() / "maildir" / "new");
  REQUIRE(delivered.size() == 1);
  CHECK(read_file(delivered.front()).find("Message-ID: <" + id + "@shopd>") != std::string::npos);
}
