#include "app_config.hpp"

#include <filesystem>
#include <thread>

namespace shop::app {
namespace {

using infra::config::Knob;

constexpr Knob kKnobs[] = {
    {"env", "SHOPD_ENV", "development",
     "development or production; production never auto-migrates and refuses to start without secret keys"},
    {"server.listen", "SHOPD_LISTEN", "127.0.0.1:8080", "address and port to serve on; port 0 picks a free one"},
    {"server.io_threads", "SHOPD_IO_THREADS", "", "I/O threads (default: one per core)"},
    {"server.read_timeout", "SHOPD_READ_TIMEOUT", "15s", "time to receive one whole request, idle keep-alive included"},
    {"server.max_body_bytes", "SHOPD_MAX_BODY_BYTES", "1048576", "largest request body accepted (413 above)"},
    {"server.max_pipelined", "SHOPD_MAX_PIPELINED", "16",
     "pipelined requests served back to back before the connection is closed"},
    {"server.drain_timeout", "SHOPD_DRAIN_TIMEOUT", "10s", "how long SIGTERM waits for in-flight requests"},
    {"server.access_log", "SHOPD_ACCESS_LOG", "true", "one log line per request"},
    {"database.url", "SHOPD_DATABASE_URL", "postgresql://shopd@127.0.0.1:54320/shopd", "libpq connection URI"},
    {"database.pool_size", "SHOPD_DB_POOL_SIZE", "8", "connections for transactions (and their worker threads)"},
    {"database.read_pool_size", "SHOPD_DB_READ_POOL_SIZE", "4",
     "connections for single-statement reads, driven asynchronously from the I/O threads"},
    {"database.statement_timeout", "SHOPD_DB_STATEMENT_TIMEOUT", "30s", "longest a single statement may run"},
    {"database.auto_migrate", "SHOPD_AUTO_MIGRATE", "",
     "apply pending migrations on serve (default: true in development, false in production)"},
    {"database.startup_wait", "SHOPD_DB_STARTUP_WAIT", "10s", "how long serve waits for the database at start"},
    {"log.level", "SHOPD_LOG_LEVEL", "info", "debug, info, warn or error"},
    {"secrets.keys", "SHOPD_SECRET_KEYS", "",
     "secret key ring, \"ID:BASE64KEY,...\" (the last is current); set it in the environment, never in a file in the repository"},
    {"secrets.key_file", "SHOPD_KEY_FILE", "", "file holding the key ring, one ID:BASE64KEY per line (instead of secrets.keys)"},
    {"secrets.dev_key_file", "SHOPD_DEV_KEY_FILE", "var/keys/dev.keys",
     "development only: key file generated on first run when neither of the above is set"},
};

std::optional<std::string> config_path(std::optional<std::string> explicit_path) {
  if (explicit_path) return explicit_path;
  if (const char* env = std::getenv("SHOPD_CONFIG"); env != nullptr && *env != '\0') return std::string(env);
  if (std::filesystem::exists("config/shopd.toml")) return std::string("config/shopd.toml");
  return std::nullopt;
}

}  // namespace

std::span<const Knob> knobs() { return kKnobs; }

AppConfig load_config(std::optional<std::string> explicit_path) {
  using infra::config::Settings;
  const auto s = Settings::load(kKnobs, config_path(std::move(explicit_path)), Settings::process_env());
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
  c.server.io_threads = static_cast<std::size_t>(s.has("server.io_threads") ? s.integer("server.io_threads", 1, 256) : cores);
  c.server.read_timeout = s.duration("server.read_timeout", std::chrono::milliseconds(100));
  c.server.max_body_bytes = static_cast<std::size_t>(s.integer("server.max_body_bytes", 1024, 64 * 1024 * 1024));
  c.server.max_pipelined = static_cast<std::size_t>(s.integer("server.max_pipelined", 1, 1024));
  c.server.drain_timeout = s.duration("server.drain_timeout");
  c.server.access_log = s.boolean("server.access_log");

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

  const auto level = infra::log::parse_level(s.string("log.level"));
  if (!level) s.reject("log.level", "must be debug, info, warn or error");
  c.log_level = *level;
  return c;
}

}  // namespace shop::app
