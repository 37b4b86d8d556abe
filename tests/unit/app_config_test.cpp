#include "app_config.hpp"

#include "temp_file.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using Catch::Matchers::Contains;
using shop::app::Environment;
using shop::app::load_config;
using shop::infra::config::ConfigError;
using shop::unit::TempFile;
using namespace std::chrono_literals;

namespace {

// Clears every variable load_config reads for the life of the test, then puts them back as they were.
class CleanEnv {
 public:
  CleanEnv() {
    std::vector<std::string> names{"SHOPD_CONFIG"};
    for (const auto& knob : shop::app::knobs()) names.emplace_back(knob.env);
    for (auto& name : names) {
      const char* value = std::getenv(name.c_str());
      saved_.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
      ::unsetenv(name.c_str());
    }
  }
  ~CleanEnv() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }
  CleanEnv(const CleanEnv&) = delete;
  CleanEnv& operator=(const CleanEnv&) = delete;

  void set(const std::string& name, const std::string& value) { ::setenv(name.c_str(), value.c_str(), 1); }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

std::string config_error(const std::string& path) {
  try {
    load_config(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("load_config defaults", "[unit][app_config]") {
  CleanEnv env;
  const TempFile empty("");
  const auto c = load_config(empty.path());
  CHECK(c.environment == Environment::kDevelopment);
  CHECK(c.server.listen == "127.0.0.1:8080");
  CHECK(c.server.io_threads == std::max(1u, std::thread::hardware_concurrency()));
  CHECK(c.server.read_timeout == 15s);
  CHECK(c.server.max_body_bytes == 1048576);
  CHECK(c.server.max_pipelined == 16);
  CHECK(c.server.drain_timeout == 10s);
  CHECK(c.server.access_log);
  CHECK(c.server.trusted_proxies.empty());
  CHECK_FALSE(c.max_connections);  // derived from the descriptor limit at serve
  CHECK(c.server.max_connections_per_address == 256);
  CHECK(c.metrics_listen.empty());
  CHECK(c.database.pool_size == 8);
  CHECK(c.database.statement_timeout == 30s);
  CHECK_FALSE(c.database.url.empty());
  CHECK(c.auto_migrate);  // development migrates on start
  CHECK(c.database_wait == 10s);
  CHECK(c.log_level == shop::infra::log::Level::kInfo);
  CHECK(c.events.threads == 2);
  CHECK(c.events.batch_size == 32);
  CHECK(c.events.max_attempts == 10);
  CHECK(c.events.retry_base == 1s);
  CHECK(c.events.retry_max == 1h);
  CHECK(c.events.poll_interval == 1s);
  CHECK(c.events_retention == std::chrono::hours(24 * 7));
  CHECK(c.scheduler_tick == 1s);
  CHECK(c.mail.transport == shop::app::MailConfig::Transport::kFile);
  CHECK(c.mail.dir == "var/mail");
  CHECK(c.mail.smtp.port == 587);
  CHECK(c.mail.smtp.tls == shop::infra::mail::SmtpOptions::Tls::kStartTls);
  CHECK(c.mail.smtp.username.empty());
}

TEST_CASE("load_config reads the mail transport and SMTP settings", "[unit][app_config]") {
  CleanEnv env;
  const TempFile file(R"(
[mail]
transport = "smtp"
from = "Shop <shop@example.com>"
[smtp]
host = "127.0.0.2"
port = 2525
tls = "none"
username = "shop"
)");
  env.set("SHOPD_SMTP_PASSWORD", "from-the-environment");
  const auto c = load_config(file.path());
  CHECK(c.mail.transport == shop::app::MailConfig::Transport::kSmtp);
  CHECK(c.mail.from == "Shop <shop@example.com>");
  CHECK(c.mail.smtp.host == "127.0.0.2");
  CHECK(c.mail.smtp.port == 2525);
  CHECK(c.mail.smtp.tls == shop::infra::mail::SmtpOptions::Tls::kNone);
  CHECK(c.mail.smtp.username == "shop");
  CHECK(c.mail.smtp.password == "from-the-environment");
}

TEST_CASE("load_config refuses SMTP AUTH in the clear unless the relay is on this machine",
          "[unit][app_config]") {
  CleanEnv env;
  const TempFile empty("");
  env.set("SHOPD_SMTP_TLS", "none");
  env.set("SHOPD_SMTP_USERNAME", "shop");
  env.set("SHOPD_SMTP_HOST", "mail.example.com");
  CHECK_THAT(config_error(empty.path()), Contains("smtp.tls") && Contains("mail.example.com"));
  env.set("SHOPD_SMTP_HOST", "10.0.0.1");
  CHECK_THAT(config_error(empty.path()), Contains("smtp.tls"));
  for (const char* loopback : {"127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost", "LocalHost"}) {
    INFO(loopback);
    env.set("SHOPD_SMTP_HOST", loopback);
    CHECK(load_config(empty.path()).mail.smtp.host == loopback);
  }
  // Without AUTH there is no password to leak, and with STARTTLS it travels encrypted.
  env.set("SHOPD_SMTP_HOST", "mail.example.com");
  ::unsetenv("SHOPD_SMTP_USERNAME");
  CHECK_NOTHROW(load_config(empty.path()));
  env.set("SHOPD_SMTP_USERNAME", "shop");
  env.set("SHOPD_SMTP_TLS", "starttls");
  CHECK_NOTHROW(load_config(empty.path()));
}

TEST_CASE("load_config reads the edge's proxy, connection and metrics settings", "[unit][app_config]") {
  CleanEnv env;
  const TempFile file(R"(
[server]
trusted_proxies = "10.0.0.0/8, ::1"
max_connections = 500
max_connections_per_address = 20
metrics_listen = "127.0.0.1:9090"
)");
  const auto c = load_config(file.path());
  CHECK(c.server.trusted_proxies.trusts(*shop::infra::http::IpAddress::parse("10.2.3.4")));
  CHECK(c.server.trusted_proxies.trusts(*shop::infra::http::IpAddress::parse("::1")));
  CHECK_FALSE(c.server.trusted_proxies.trusts(*shop::infra::http::IpAddress::parse("192.0.2.1")));
  CHECK(c.max_connections == 500);
  CHECK(c.server.max_connections_per_address == 20);
  CHECK(c.metrics_listen == "127.0.0.1:9090");

  env.set("SHOPD_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal");
  CHECK_THAT(config_error(file.path()), Contains("server.trusted_proxies") &&
                                            Contains("SHOPD_TRUSTED_PROXIES") && Contains("proxy.internal"));
  ::unsetenv("SHOPD_TRUSTED_PROXIES");
  env.set("SHOPD_METRICS_LISTEN", "9090");
  CHECK_THAT(config_error(file.path()),
             Contains("server.metrics_listen") && Contains("SHOPD_METRICS_LISTEN"));
  ::unsetenv("SHOPD_METRICS_LISTEN");
  env.set("SHOPD_MAX_CONNECTIONS", "0");
  CHECK_THAT(config_error(file.path()), Contains("server.max_connections"));
  ::unsetenv("SHOPD_MAX_CONNECTIONS");
  env.set("SHOPD_MAX_CONNECTIONS_PER_ADDRESS", "none");
  CHECK_THAT(config_error(file.path()), Contains("server.max_connections_per_address"));
}

TEST_CASE("load_config reads the file and lets the environment override it", "[unit][app_config]") {
  CleanEnv env;
  const TempFile file(R"(
[server]
listen = "127.0.0.1:9000"
io_threads = 3
read_timeout = "2s"
[database]
pool_size = 4
[log]
level = "debug"
)");
  const auto from_file = load_config(file.path());
  CHECK(from_file.server.listen == "127.0.0.1:9000");
  CHECK(from_file.server.io_threads == 3);
  CHECK(from_file.server.read_timeout == 2s);
  CHECK(from_file.database.pool_size == 4);
  CHECK(from_file.log_level == shop::infra::log::Level::kDebug);

  env.set("SHOPD_LISTEN", ":0");
  env.set("SHOPD_DB_POOL_SIZE", "12");
  const auto overridden = load_config(file.path());
  CHECK(overridden.server.listen == ":0");
  CHECK(overridden.database.pool_size == 12);
  CHECK(overridden.server.io_threads == 3);  // not overridden: still from the file
}

TEST_CASE("load_config refuses bad values, naming the key", "[unit][app_config]") {
  CleanEnv env;
  const TempFile empty("");
  SECTION("io threads") {
    env.set("SHOPD_IO_THREADS", "abc");
    CHECK_THAT(config_error(empty.path()), Contains("server.io_threads") && Contains("SHOPD_IO_THREADS"));
  }
  SECTION("listen address") {
    env.set("SHOPD_LISTEN", "nonsense");
    CHECK_THAT(config_error(empty.path()), Contains("server.listen") && Contains("SHOPD_LISTEN"));
  }
  SECTION("environment") {
    env.set("SHOPD_ENV", "staging");
    CHECK_THAT(config_error(empty.path()), Contains("env") && Contains("SHOPD_ENV") && Contains("staging"));
  }
  SECTION("log level") {
    env.set("SHOPD_LOG_LEVEL", "loud");
    CHECK_THAT(config_error(empty.path()), Contains("log.level") && Contains("SHOPD_LOG_LEVEL"));
  }
  SECTION("mail transport") {
    env.set("SHOPD_MAIL_TRANSPORT", "pigeon");
    CHECK_THAT(config_error(empty.path()), Contains("mail.transport") && Contains("SHOPD_MAIL_TRANSPORT"));
  }
  SECTION("smtp tls") {
    env.set("SHOPD_SMTP_TLS", "maybe");
    CHECK_THAT(config_error(empty.path()), Contains("smtp.tls"));
  }
  SECTION("retry maximum below the base") {
    env.set("SHOPD_EVENTS_RETRY_BASE", "1m");
    env.set("SHOPD_EVENTS_RETRY_MAX", "30s");
    CHECK_THAT(config_error(empty.path()), Contains("events.retry_max"));
  }
  SECTION("attempts") {
    env.set("SHOPD_EVENTS_MAX_ATTEMPTS", "0");
    CHECK_THAT(config_error(empty.path()), Contains("events.max_attempts"));
  }
  SECTION("read timeout below its minimum") {
    env.set("SHOPD_READ_TIMEOUT", "10ms");
    CHECK_THAT(config_error(empty.path()), Contains("server.read_timeout"));
  }
}

TEST_CASE("load_config names a bad value in the file with the file", "[unit][app_config]") {
  CleanEnv env;
  const TempFile file("[database]\npool_size = 0\n");
  CHECK_THAT(config_error(file.path()), Contains("database.pool_size") && Contains("file " + file.path()));
  const TempFile typo("[database]\npoolsize = 4\n");
  CHECK_THAT(config_error(typo.path()), Contains("database.poolsize"));
}

TEST_CASE("load_config in production never auto-migrates", "[unit][app_config]") {
  CleanEnv env;
  const TempFile empty("");
  env.set("SHOPD_ENV", "production");
  const auto c = load_config(empty.path());
  CHECK(c.environment == Environment::kProduction);
  CHECK_FALSE(c.auto_migrate);
  CHECK(c.mail.transport == shop::app::MailConfig::Transport::kSmtp);  // no .eml files on a server

  env.set("SHOPD_AUTO_MIGRATE", "true");
  CHECK_THAT(config_error(empty.path()), Contains("database.auto_migrate") && Contains("SHOPD_AUTO_MIGRATE"));

  env.set("SHOPD_AUTO_MIGRATE", "false");
  CHECK_FALSE(load_config(empty.path()).auto_migrate);

  const TempFile file("env = \"production\"\n[database]\nauto_migrate = true\n");
  ::unsetenv("SHOPD_ENV");
  ::unsetenv("SHOPD_AUTO_MIGRATE");
  CHECK_THAT(config_error(file.path()), Contains("database.auto_migrate"));
}

TEST_CASE("load_config lets development turn auto-migration off", "[unit][app_config]") {
  CleanEnv env;
  const TempFile empty("");
  env.set("SHOPD_AUTO_MIGRATE", "false");
  CHECK_FALSE(load_config(empty.path()).auto_migrate);
}

TEST_CASE("load_config refuses an explicit config file that does not exist", "[unit][app_config]") {
  CleanEnv env;
  CHECK_THROWS_AS(load_config(std::string("/nonexistent/shopd-unit/shopd.toml")), ConfigError);
}

TEST_CASE("load_config reads the file named by SHOPD_CONFIG", "[unit][app_config]") {
  CleanEnv env;
  const TempFile file("[database]\npool_size = 5\n");
  env.set("SHOPD_CONFIG", file.path());
  CHECK(load_config(std::nullopt).database.pool_size == 5);
}

TEST_CASE("the shipped config/shopd.toml loads", "[unit][app_config]") {
  const std::filesystem::path path = std::filesystem::path(SHOP_SOURCE_DIR) / "config" / "shopd.toml";
  if (!std::filesystem::exists(path)) {
    WARN("skipped: " << path.string() << " does not exist yet");
    return;
  }
  CleanEnv env;
  CHECK_NOTHROW(load_config(path.string()));
}
