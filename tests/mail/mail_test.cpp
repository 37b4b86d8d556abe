// Mail transports: the file transport as a client reads it, and SMTP against a real SMTP server
// (Debian's aiosmtpd) on loopback.
#include "shop/infra/mail/mail.hpp"

#include "support/http_client.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace mail = shop::infra::mail;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> files_in(const fs::path& dir, std::string_view extension = {}) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (extension.empty() || entry.path().extension() == extension) out.push_back(entry.path());
  }
  return out;
}

struct TempDir {
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "shopd-mail-XXXXXX").string();
    path = ::mkdtemp(templ.data());
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

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
  explicit SmtpServer(const fs::path& maildir) : port_(free_port()) {
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
                                 "Your code:\n123456\n.\nThanks"};

}  // namespace

TEST_CASE("messages are formatted per RFC 5322 with a UTF-8 body", "[mail]") {
  const auto text = mail::format_message(kMessage, std::chrono::system_clock::from_time_t(0), "id@shopd");
  CHECK(text.starts_with("From: shopd <no-reply@shop.test>\r\nTo: kim@example.com\r\n"));
  CHECK(text.find("Subject: =?UTF-8?B?") != std::string::npos);  // non-ASCII subject is encoded
  CHECK(text.find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n") != std::string::npos);
  CHECK(text.find("Content-Type: text/plain; charset=UTF-8\r\n") != std::string::npos);
  CHECK(text.ends_with("\r\n\r\nYour code:\r\n123456\r\n.\r\nThanks\r\n"));
}

TEST_CASE("line breaks in headers are refused", "[mail]") {
  auto injected = kMessage;
  injected.to = "kim@example.com\r\nBcc: everyone@example.com";
  CHECK_THROWS_AS(mail::format_message(injected, std::chrono::system_clock::now(), "id"), std::invalid_argument);
  injected = kMessage;
  injected.subject = "hi\nBcc: x";
  CHECK_THROWS_AS(mail::format_message(injected, std::chrono::system_clock::now(), "id"), std::invalid_argument);
}

TEST_CASE("the file transport writes one .eml per message", "[mail]") {
  TempDir dir;
  auto transport = mail::make_file_transport(dir.path / "mail");
  transport->send(kMessage);
  auto second = kMessage;
  second.to = "lee@example.com";
  transport->send(second);

  const auto files = files_in(dir.path / "mail", ".eml");
  REQUIRE(files.size() == 2);
  CHECK(files_in(dir.path / "mail").size() == 2);  // no temporary files left behind
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
  SmtpServer server(dir.path / "maildir");
  auto transport = mail::make_smtp_transport(smtp_options(server.port(), mail::SmtpOptions::Tls::kNone));
  transport->send(kMessage);

  const auto delivered = files_in(dir.path / "maildir" / "new");
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
  SmtpServer server(dir.path / "maildir");
  auto transport = mail::make_smtp_transport(smtp_options(server.port(), mail::SmtpOptions::Tls::kStartTls));
  CHECK_THROWS_AS(transport->send(kMessage), mail::MailError);
  CHECK(files_in(dir.path / "maildir" / "new").empty());
}
