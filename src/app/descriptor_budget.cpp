#include "descriptor_budget.hpp"

#include "shop/infra/config/settings.hpp"
#include "shop/infra/log/log.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

namespace shop::app {
namespace {

constexpr std::uint64_t kStandardStreams = 3;
constexpr std::uint64_t kListeners = 2;      // the API and, when configured, /metrics
constexpr std::uint64_t kEventListener = 1;  // the LISTEN connection that wakes the dispatcher
// Each event thread may be sending a mail: an SMTP connection and its DNS lookup, or an .eml file.
constexpr std::uint64_t kPerEventThread = 2;
// What the libraries open for themselves: epoll and eventfds, the signal pipe, /dev/urandom, the
// spare descriptor the server keeps for EMFILE, libpq's and libcurl's own; generous on purpose.
constexpr std::uint64_t kLibraryMargin = 64;

std::uint64_t reserved_descriptors(const AppConfig& config) {
  return kStandardStreams + kListeners + config.database.pool_size + config.database.read_pool_size +
         kEventListener + kPerEventThread * config.events.threads + kLibraryMargin;
}

// The soft limit before and after raising it to the hard one.
std::pair<std::uint64_t, std::uint64_t> raise_open_files_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return {0, 0};
  const std::uint64_t before = limit.rlim_cur;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    // Fails where the hard limit is above what the kernel allows (RLIM_INFINITY); the soft one stays.
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return {before, limit.rlim_cur};
}

}  // namespace

std::size_t connections_within(std::uint64_t open_files, const AppConfig& config) {
  const auto reserved = reserved_descriptors(config);
  return open_files > reserved ? static_cast<std::size_t>(open_files - reserved) : 0;
}

void limit_connections_to_descriptors(AppConfig& config) {
  using infra::config::ConfigError;
  const auto [before, open_files] = raise_open_files_limit();
  const auto fit = connections_within(open_files, config);
  const auto reserved = reserved_descriptors(config);
  if (fit == 0) {
    throw ConfigError(fmt::format(
        "the file descriptor limit (RLIMIT_NOFILE) of {} leaves no room for client connections beside the {} "
        "serve keeps for itself; raise it (ulimit -n, systemd LimitNOFILE=)",
        open_files, reserved));
  }
  if (config.max_connections && *config.max_connections > fit) {
    throw ConfigError(fmt::format(
        "server.max_connections (SHOPD_MAX_CONNECTIONS) is {}, but only {} connections fit in the file "
        "descriptor limit of {} beside the {} serve keeps for the database, mail and itself; raise the limit "
        "(ulimit -n, systemd LimitNOFILE=) or lower the value",
        *config.max_connections, fit, open_files, reserved));
  }
  config.server.max_connections = config.max_connections.value_or(fit);
  infra::log::info("app", "file descriptors",
                   {{"limit", open_files},
                    {"raised_from", before},
                    {"reserved", reserved},
                    {"max_connections", config.server.max_connections},
                    {"configured", config.max_connections.has_value()}});
}

}  // namespace shop::app
