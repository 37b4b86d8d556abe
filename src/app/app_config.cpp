#include "app_config.hpp"

#include "shop/infra/http/ip_address.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

namespace shop::app {
namespace {

using infra::config::Knob;

// The application's own knobs; each module declares its own, next to its code.
constexpr Knob kAppKnobs[] = {
    {"env", "SHOPD_ENV", "development",
     "development or production; production never auto-migrates and refuses to start without secret keys"},
    {"server.listen", "SHOPD_LISTEN", "127.0.0.1:8080",
     "address and port to serve on; port 0 picks a free one"},
    {"server.io_threads", "SHOPD_IO_THREADS", "", "I/O threads (default: one per core)"},
    {"server.read_timeout", "SHOPD_READ_TIMEOUT", "15s",
     "time to receive one whole request, idle keep-alive included"},
    {"server.max_body_bytes", "SHOPD_MAX_BODY_BYTES", "1048576", "largest request body accepted (413 above)"},
    {"server.max_pipelined", "SHOPD_MAX_PIPELINED", "16",
     "pipelined requests served back to back before the connection is closed"},
    {"server.drain_timeout", "SHOPD_DRAIN_TIMEOUT", "10s", "how long SIGTERM waits for in-flight requests"},
    {"server.access_log", "SHOPD_ACCESS_LOG", "true", "one log line per request"},
    {"server.trusted_proxies", "SHOPD_TRUSTED_PROXIES", "",
     "comma-separated addresses or CIDR networks of proxies whose X-Forwarded-For is believed; empty: the "
     "header is ignored"},
    {"server.max_connections", "SHOPD_MAX_CONNECTIONS", "",
     "open client connections at most, more are refused with 503 (default: what the file descriptor limit "
     "leaves after database, mail and spare descriptors)"},
    {"server.max_connections_per_address", "SHOPD_MAX_CONNECTIONS_PER_ADDRESS", "256",
     "open connections per client address, IPv6 per /64 (trusted proxies count only in the total)"},
    {"server.metrics_listen", "SHOPD_METRICS_LISTEN", "",
     "serve /metrics only on this address and port (port 0 picks one and logs it); empty: on server.listen"},
    {"database.url", "SHOPD_DATABASE_URL", "postgresql://shopd@127.0.0.1:54320/shopd",
     "libpq connection URI"},
    {"database.pool_size", "SHOPD_DB_POOL_SIZE", "8",
     "connections for transactions (and their worker threads)"},
    {"database.read_pool_size", "SHOPD_DB_READ_POOL_SIZE", "4",
     "connections for single-statement reads, driven asynchronously from the I/O threads"},
    {"database.statement_timeout", "SHOPD_DB_STATEMENT_TIMEOUT", "30s", "longest a single statement may run"},
    {"database.auto_migrate", "SHOPD_AUTO_MIGRATE", "",
     "apply pending migrations on serve (default: true in development, false in production)"},
    {"database.startup_wait", "SHOPD_DB_STARTUP_WAIT", "10s",
     "how long serve waits for the database at start"},
    {"events.threads", "SHOPD_EVENTS_THREADS", "2",
     "threads delivering events to subscribers in this process"},
    {"events.batch_size", "SHOPD_EVENTS_BATCH_SIZE", "32", "deliveries claimed and committed together"},
    {"events.max_attempts", "SHOPD_EVENTS_MAX_ATTEMPTS", "10",
     "failed deliveries before an event becomes a dead letter for that subscriber"},
    {"events.retry_base", "SHOPD_EVENTS_RETRY_BASE", "1s",
     "delay before the first retry; doubles on each failure"},
    {"events.retry_max", "SHOPD_EVENTS_RETRY_MAX", "1h", "longest delay between retries"},
    {"events.poll_interval", "SHOPD_EVENTS_POLL_INTERVAL", "1s",
     "how often to look for due deliveries without a NOTIFY (delayed events, retries)"},
    {"events.retention", "SHOPD_EVENTS_RETENTION", "7d",
     "how long handled events are kept before they are purged"},
    {"scheduler.tick", "SHOPD_SCHEDULER_TICK", "1s", "how often periodic jobs are checked for being due"},
    {"mail.transport", "SHOPD_MAIL_TRANSPORT", "",
     "file or smtp (default: file in development, smtp in production)"},
    {"mail.dir", "SHOPD_MAIL_DIR", "var/mail", "file transport: one .eml file per message in this directory"},
    {"mail.from", "SHOPD_MAIL_FROM", "shopd <no-reply@shop.example>", "sender of every mail"},
    {"smtp.host", "SHOPD_SMTP_HOST", "127.0.0.1", "smtp transport: server host"},
    {"smtp.port", "SHOPD_SMTP_PORT", "587", "smtp transport: server port"},
    {"smtp.tls", "SHOPD_SMTP_TLS", "starttls",
     "starttls (refuses to send in the clear) or none (loopback relays only)"},
    {"smtp.username", "SHOPD_SMTP_USERNAME", "", "smtp transport: AUTH user; empty for none"},
    {"smtp.password", "SHOPD_SMTP_PASSWORD", "", "smtp transport: AUTH password; set it in the environment"},
    {"smtp.timeout", "SHOPD_SMTP_TIMEOUT", "10s", "smtp transport: connect and whole-message timeout"},
    {"passwords.ops_limit", "SHOPD_PASSWORD_OPS_LIMIT", "2", "Argon2id passes (t); at least 2"},
    {"passwords.memory_mib", "SHOPD_PASSWORD_MEMORY_MIB", "19", "Argon2id memory (m) in MiB; at least 19"},
    {"passwords.threads", "SHOPD_PASSWORD_THREADS", "", "threads hashing passwords (default: one per core)"},
    {"log.level", "SHOPD_LOG_LEVEL", "info", "debug, info, warn or error"},
    {"secrets.keys", "SHOPD_SECRET_KEYS", "",
     "secret key ring, \"ID:BASE64KEY,...\" (the last is current); set it in the environment, never in a "
     "file in the repository"},
    {"secrets.key_file", "SHOPD_KEY_FILE", "",
     "file holding the key ring, one ID:BASE64KEY per line (instead of secrets.keys)"},
    {"secrets.dev_key_file", "SHOPD_DEV_KEY_FILE", "var/keys/dev.keys",
     "development only: key file generated on first run when neither of the above is set"},
};

// Where a password may travel unencrypted: this machine only.
bool is_loopback_host(std::string host) {
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (host == "localhost") return true;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto address = infra::http::IpAddress::parse(host);
  return address && address->is_loopback();
}

std::optional<std::string> config_path(std::optional<std::string> explicit_path) {
  if (explicit_path) return explicit_path;
  if (const char* env = std::getenv("SHOPD_CONFIG"); env != nullptr && *env != '\0') return std::string(env);
  if (std::filesystem::exists("config/shopd.toml")) return std::string("config/shopd.toml");
  return std::nullopt;
}

}  // namespace

std::span<const Knob> knobs() {
  static const std::vector<Knob> all = [] {
    std::vector<Knob> v(std::begin(kAppKnobs), std::end(kAppKnobs));
    for (const auto module_knobs : {user::user_knobs(), catalog::catalog_knobs(), order::order_knobs(),
                                    payment::payment_knobs(), wishlist::wishlist_knobs()})
      v.insert(v.end(), module_knobs.begin(), module_knobs.end());
    return v;
  }();
  return all;
}

AppConfig load_config(std::optional<std::string> explicit_path) {
  using infra::config::Settings;
  const auto s = Settings::load(knobs(), config_path(std::move(explicit_path)), Settings::process_env());
  AppConfig c;

  const auto env = s.string("env");
  if (env == "development") {
    c.environment = Environment::kDevelopment;
  } else if (env == "production") {
    c.environment = Environment::kProduction;
  } else {
    s.reject("env", "must be development or production, got '" + env + "'");
  }

  c.server.listen = s.string("server.listen");
  if (!infra::http::parse_listen_address(c.server.listen)) {
    s.reject("server.listen", "must be HOST:PORT such as 127.0.0.1:8080, [::1]:8080 or :0");
  }
  const auto cores = static_cast<std::int64_t>(std::max(1u, std::thread::hardware_concurrency()));
  c.server.io_threads =
      static_cast<std::size_t>(s.has("server.io_threads") ? s.integer("server.io_threads", 1, 256) : cores);
  c.server.read_timeout = s.duration("server.read_timeout", std::chrono::milliseconds(100));
  c.server.max_body_bytes =
      static_cast<std::size_t>(s.integer("server.max_body_bytes", 1024, 64 * 1024 * 1024));
  c.server.max_pipelined = static_cast<std::size_t>(s.integer("server.max_pipelined", 1, 1024));
  c.server.drain_timeout = s.duration("server.drain_timeout");
  c.server.access_log = s.boolean("server.access_log");
  if (s.has("server.trusted_proxies")) {
    try {
      c.server.trusted_proxies = infra::http::TrustedProxies::parse(s.string("server.trusted_proxies"));
    } catch (const std::invalid_argument& e) {
      s.reject("server.trusted_proxies", e.what());
    }
  }
  if (s.has("server.max_connections")) {
    c.max_connections = static_cast<std::size_t>(s.integer("server.max_connections", 1, 10'000'000));
  }
  c.server.max_connections_per_address =
      static_cast<std::size_t>(s.integer("server.max_connections_per_address", 1, 10'000'000));
  if (s.has("server.metrics_listen")) {
    c.metrics_listen = s.string("server.metrics_listen");
    if (!infra::http::parse_listen_address(c.metrics_listen)) {
      s.reject("server.metrics_listen", "must be HOST:PORT such as 127.0.0.1:9090, [::1]:9090 or :0");
    }
  }

  c.database.url = s.string("database.url");
  c.database.pool_size = static_cast<std::size_t>(s.integer("database.pool_size", 1, 512));
  c.database.read_pool_size = static_cast<std::size_t>(s.integer("database.read_pool_size", 1, 512));
  c.database.statement_timeout = s.duration("database.statement_timeout", std::chrono::milliseconds(1));
  c.auto_migrate = s.has("database.auto_migrate") ? s.boolean("database.auto_migrate")
                                                  : c.environment == Environment::kDevelopment;
  if (c.auto_migrate && c.environment == Environment::kProduction) {
    s.reject("database.auto_migrate", "production never migrates on start; run `shopd migrate` instead");
  }
  c.database_wait = s.duration("database.startup_wait");

  if (s.has("secrets.keys")) c.secret_keys = s.string("secrets.keys");
  if (s.has("secrets.key_file")) c.key_file = s.string("secrets.key_file");
  c.dev_key_file = s.string("secrets.dev_key_file");

  auto& events = c.events;
  events.threads = static_cast<std::size_t>(s.integer("events.threads", 0, 64));
  events.batch_size = static_cast<std::size_t>(s.integer("events.batch_size", 1, 10'000));
  events.max_attempts = static_cast<int>(s.integer("events.max_attempts", 1, 1000));
  events.retry_base = s.duration("events.retry_base", std::chrono::milliseconds(1));
  events.retry_max = s.duration("events.retry_max", events.retry_base);
  events.poll_interval = s.duration("events.poll_interval", std::chrono::milliseconds(10));
  c.events_retention = s.duration("events.retention", std::chrono::hours(1));
  c.scheduler_tick = s.duration("scheduler.tick", std::chrono::milliseconds(10));

  const auto transport = s.has("mail.transport")                     ? s.string("mail.transport")
                         : c.environment == Environment::kProduction ? "smtp"
                                                                     : "file";
  if (transport != "file" && transport != "smtp") s.reject("mail.transport", "must be file or smtp");
  c.mail.transport = transport == "smtp" ? MailConfig::Transport::kSmtp : MailConfig::Transport::kFile;
  c.mail.dir = s.string("mail.dir");
  c.mail.from = s.string("mail.from");
  c.mail.smtp.host = s.string("smtp.host");
  c.mail.smtp.port = static_cast<int>(s.integer("smtp.port", 1, 65535));
  const auto tls = s.string("smtp.tls");
  if (tls != "starttls" && tls != "none") s.reject("smtp.tls", "must be starttls or none");
  c.mail.smtp.tls =
      tls == "none" ? infra::mail::SmtpOptions::Tls::kNone : infra::mail::SmtpOptions::Tls::kStartTls;
  if (s.has("smtp.username")) c.mail.smtp.username = s.string("smtp.username");
  if (s.has("smtp.password")) c.mail.smtp.password = s.string("smtp.password");
  c.mail.smtp.timeout = s.duration("smtp.timeout", std::chrono::milliseconds(100));
  if (c.mail.smtp.tls == infra::mail::SmtpOptions::Tls::kNone && !c.mail.smtp.username.empty() &&
      !is_loopback_host(c.mail.smtp.host)) {
    s.reject("smtp.tls", "none would send the SMTP password in the clear to " + c.mail.smtp.host +
                             "; use starttls, or none only with a relay on a loopback address");
  }

  c.password_cost.ops_limit = static_cast<unsigned long long>(s.integer("passwords.ops_limit", 2, 64));
  c.password_cost.mem_limit_bytes =
      static_cast<std::size_t>(s.integer("passwords.memory_mib", 19, 4096)) * 1024 * 1024;
  c.password_threads =
      static_cast<std::size_t>(s.has("passwords.threads") ? s.integer("passwords.threads", 1, 256) : cores);
  c.users = user::read_user_options(s, c.mail.from);
  c.catalog = catalog::read_catalog_options(s);
  c.orders = order::read_order_options(s);
  c.payments = payment::read_payment_options(s);
  c.wishlist = wishlist::read_wishlist_options(s);

  const auto level = infra::log::parse_level(s.string("log.level"));
  if (!level) s.reject("log.level", "must be debug, info, warn or error");
  c.log_level = *level;
  return c;
}

}  // namespace shop::app
