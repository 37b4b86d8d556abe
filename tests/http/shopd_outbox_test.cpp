// The event outbox inside the real binary: what survives a kill, and the operator's dead-letter command.
#include "shop/infra/mail/mail_outbox.hpp"

#include "support/eventually.hpp"
#include "support/shopd_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <thread>

using shop::test::base_shopd_env;
using shop::test::eventually;
using shop::test::files_in;
using shop::test::query_value;
using shop::test::read_file;
using shop::test::run_shopd;
using shop::test::ShopdProcess;
using shop::test::TempDir;
using shop::test::TestDatabase;
using namespace std::chrono_literals;

namespace {

// A "mail server" that accepts connections and never says a word: an SMTP client talking to it
// stays in the middle of its delivery until its timeout.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
    REQUIRE(::listen(fd_, 16) == 0);
    thread_ = std::thread([this] {
      for (;;) {
        const int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) return;  // shut down
        clients_.push_back(client);
        ++accepted_;
      }
    });
  }
  ~SilentServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    for (int c : clients_) ::close(c);
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::vector<int> clients_;
  std::thread thread_;
};

const shop::infra::mail::MailMessage kMessage{"shopd <no-reply@shop.test>", "kim@example.com", "Your order",
                                              "It is on its way.", ""};

// The key ring shopd is given, so that the test seals mail as shopd would.
const auto kKeys = shop::infra::crypto::KeyRing::generate();

std::string queue_mail(const std::string& url) {
  shop::infra::db::Database db({.url = url, .pool_size = 1, .read_pool_size = 1});
  const shop::infra::crypto::FieldCipher cipher(kKeys);
  const shop::infra::mail::MailQueue mail_queue(cipher);
  auto queue = [&](shop::infra::db::Tx& tx) { return mail_queue.queue(tx, kMessage); };
  return db.transact_blocking(queue);
}

shop::test::EnvList with(shop::test::EnvList env, const shop::test::EnvList& more) {
  env.insert(env.end(), more.begin(), more.end());
  env.emplace_back("SHOPD_SECRET_KEYS", kKeys.to_text());
  return env;
}

}  // namespace

TEST_CASE("an event whose delivery was cut off by SIGKILL is delivered once after restart",
          "[http][binary][events]") {
  TestDatabase t;
  TempDir dir;
  SilentServer silent;
  const auto base = base_shopd_env(t.url());
  {
    ShopdProcess first(with(base, {{"SHOPD_MAIL_TRANSPORT", "smtp"},
                                   {"SHOPD_SMTP_PORT", std::to_string(silent.port())},
                                   {"SHOPD_SMTP_TLS", "none"},
                                   {"SHOPD_SMTP_TIMEOUT", "60s"}}));
    first.wait_until_listening();
    const auto id = queue_mail(t.url());
    // The delivery is in flight: shopd is talking to the silent server inside its transaction.
    REQUIRE(eventually([&] { return silent.accepted() >= 1; }, 10s));
    first.signal(SIGKILL);
    REQUIRE(first.wait_for_exit(10s).has_value());

    ShopdProcess second(
        with(base, {{"SHOPD_MAIL_TRANSPORT", "file"}, {"SHOPD_MAIL_DIR", dir.path().string()}}));
    second.wait_until_listening();
    CHECK(eventually([&] { return files_in(dir.path(), ".eml").size() == 1; }, 10s));
    second.signal(SIGTERM);
    CHECK(second.wait_for_exit(10s) == 0);

    const auto files = files_in(dir.path(), ".eml");
    REQUIRE(files.size() == 1);
    CHECK(read_file(files.front()).find("Message-ID: <" + id + "@shopd>") != std::string::npos);
  }
  // The killed attempt left no trace: one attempt, handled.
  CHECK(query_value(t.url(), "SELECT status || ' ' || attempts FROM shopd.event_deliveries") == "handled 1");
}

TEST_CASE("`shopd dead-letters` lists an exhausted delivery and replay sends it", "[http][binary][events]") {
  TestDatabase t;
  TempDir dir;
  SilentServer silent;
  const auto base = base_shopd_env(t.url());
  {
    // Every attempt times out at once; the first failure is the last.
    ShopdProcess failing(with(base, {{"SHOPD_MAIL_TRANSPORT", "smtp"},
                                     {"SHOPD_SMTP_PORT", std::to_string(silent.port())},
                                     {"SHOPD_SMTP_TLS", "none"},
                                     {"SHOPD_SMTP_TIMEOUT", "100ms"},
                                     {"SHOPD_EVENTS_MAX_ATTEMPTS", "1"}}));
    failing.wait_until_listening();
    queue_mail(t.url());
    REQUIRE(eventually(
        [&] { return query_value(t.url(), "SELECT status FROM shopd.event_deliveries") == "dead"; }, 10s));
    failing.signal(SIGTERM);
    REQUIRE(failing.wait_for_exit(10s) == 0);
  }
  const auto id = query_value(t.url(), "SELECT id FROM shopd.event_deliveries");

  const auto listed = run_shopd({"dead-letters", "list"}, base);
  CHECK(listed.exit_code == 0);
  CHECK_THAT(listed.output, Catch::Contains("mail.sender") && Catch::Contains("shopd.mail.MailRequested") &&
                                Catch::Contains("SMTP delivery"));

  CHECK(run_shopd({"dead-letters", "replay", "999999"}, base).exit_code == 1);
  CHECK(run_shopd({"dead-letters", "replay", "x"}, base).exit_code == 2);
  const auto replayed = run_shopd({"dead-letters", "replay", id}, base);
  CHECK(replayed.exit_code == 0);
  CHECK(query_value(t.url(), "SELECT status || ' ' || attempts FROM shopd.event_deliveries") == "pending 0");

  ShopdProcess fixed(with(base, {{"SHOPD_MAIL_TRANSPORT", "file"}, {"SHOPD_MAIL_DIR", dir.path().string()}}));
  fixed.wait_until_listening();
  CHECK(eventually([&] { return files_in(dir.path(), ".eml").size() == 1; }, 10s));
  CHECK_THAT(run_shopd({"dead-letters", "list"}, base).output, Catch::Contains("no dead letters"));
}
