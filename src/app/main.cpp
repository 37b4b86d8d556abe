// shopd: the commerce backend. `shopd --help` lists the commands and every configuration key.
#include "app_config.hpp"
#include "application.hpp"
#include "secret_keys.hpp"

#include "shop/infra/db/migrator.hpp"
#include "shop/infra/log/log.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

constexpr const char* kUsage = R"(shopd: a commerce backend in one binary

Usage: shopd [--config PATH] [COMMAND]

Commands:
  serve                    serve the HTTP API (the default); migrates first in development
  migrate                  apply pending database migrations and exit
  routes                   print the HTTP routes this binary serves and exit
  openapi                  print the OpenAPI document this binary serves and exit
  dead-letters list [--limit N] [--after ID]
                           events that exhausted their retries, with the last error
  dead-letters replay ID   deliver a dead letter again
  create-admin --username U
                           make an admin account; the password is read from stdin
  seed-demo                make a demo admin, seller and customer and print their passwords once

Options:
  --config PATH   configuration file (default: $SHOPD_CONFIG, else config/shopd.toml if present)
  -h, --help      show this help
  --version       print the version

Configuration (file key, environment variable that overrides it, default):
)";

void print_help() {
  std::cout << kUsage;
  for (const auto& knob : shop::app::knobs()) {
    std::cout << fmt::format("  {:<28} {:<28} {}\n      {}\n", knob.key, knob.env,
                             knob.default_value.empty() ? "-" : knob.default_value, knob.help);
  }
}

int run(int argc, char** argv) {
  std::optional<std::string> config_path;
  std::string command = "serve";
  bool command_seen = false;
  std::vector<std::string> command_args;  // everything after the command is its own
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (command_seen) {
      command_args.push_back(arg);
    } else if (arg == "-h" || arg == "--help") {
      print_help();
      return 0;
    } else if (arg == "--version") {
      std::cout << "shopd " << SHOPD_VERSION << "\n";
      return 0;
    } else if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.starts_with("--config=")) {
      config_path = arg.substr(9);
    } else if (!arg.starts_with("-") && !command_seen) {
      command = arg;
      command_seen = true;
    } else {
      std::cerr << "shopd: unexpected argument '" << arg << "' (see shopd --help)\n";
      return 2;
    }
  }
  const std::set<std::string> commands{"serve",        "migrate",      "routes",   "openapi",
                                       "dead-letters", "create-admin", "seed-demo"};
  const std::set<std::string> with_arguments{"dead-letters", "create-admin"};
  if (!commands.contains(command)) {
    std::cerr << "shopd: unknown command '" << command << "' (see shopd --help)\n";
    return 2;
  }
  if (!command_args.empty() && !with_arguments.contains(command)) {
    std::cerr << "shopd: " << command << " takes no arguments (see shopd --help)\n";
    return 2;
  }

  shop::app::AppConfig config;
  try {
    config = shop::app::load_config(config_path);
  } catch (const shop::infra::config::ConfigError& e) {
    std::cerr << "shopd: " << e.what() << "\n";
    return 2;
  }
  shop::infra::log::set_level(config.log_level);
  // libpq waits for an unreachable host for as long as TCP does unless told otherwise.
  setenv("PGCONNECT_TIMEOUT", "5", 0);

  // Commands that read or write personal data or tokens need the real keys; the others never use
  // them, and must work where the keys are not at hand (routes in a build, migrate in a deploy job).
  const bool needs_keys = command == "serve" || command == "create-admin" || command == "seed-demo";
  std::optional<shop::infra::crypto::KeyRing> keys;
  try {
    keys.emplace(needs_keys ? shop::app::load_secret_keys(config) : shop::infra::crypto::KeyRing::generate());
  } catch (const shop::infra::config::ConfigError& e) {
    std::cerr << "shopd: " << e.what() << "\n";
    return 2;
  }
  shop::app::Application app(std::move(config), std::move(*keys));
  if (command == "openapi") {
    std::cout << app.openapi_json() << "\n";
    return 0;
  }
  if (command == "routes") {
    for (const auto& route : app.router().routes()) {
      // Third column: who may call it, as `anyone`, `anyone_or_signed_in`, `signed_in` or
      // `roles:admin,seller`.
      std::string access = route.access.authenticated ? "signed_in"
                           : route.access.identifies  ? "anyone_or_signed_in"
                                                      : "anyone";
      if (!route.access.allowed_roles.empty()) {
        access = "roles:";
        for (std::size_t i = 0; i < route.access.allowed_roles.size(); ++i) {
          access += (i == 0 ? "" : ",") + route.access.allowed_roles[i];
        }
      }
      std::cout << shop::infra::http::method_name(route.method) << ' ' << route.pattern << ' ' << access
                << '\n';
    }
    return 0;
  }
  try {
    if (command == "migrate") return app.migrate();
    if (command == "dead-letters") return app.dead_letters(command_args);
    if (command == "create-admin") return app.create_admin(command_args);
    if (command == "seed-demo") return app.seed_demo();
    return app.serve();
  } catch (const shop::infra::config::ConfigError& e) {
    std::cerr << "shopd: " << e.what() << "\n";
    return 2;
  } catch (const shop::infra::db::MigrationError& e) {
    shop::infra::log::error("app", "migration refused", {{"error", e.what()}});
    return 1;
  } catch (const shop::infra::db::DbError& e) {
    shop::infra::log::error("app", "database error", {{"error", e.what()}, {"sqlstate", e.sqlstate()}});
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    shop::infra::log::error("app", "fatal", {{"error", e.what()}});
    return 1;
  }
}
