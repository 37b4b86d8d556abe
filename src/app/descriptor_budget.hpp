#pragma once

#include "app_config.hpp"

#include <cstddef>
#include <cstdint>

// How many client connections `serve` may hold without the process running out of file
// descriptors: past that, accept() and everything else that opens a file (a database reconnect, a
// mail) fails with EMFILE.
namespace shop::app {

// The client connections that fit in `open_files` descriptors beside what serve needs for itself
// under `config` (database pools and the event listener, mail, listeners, standard streams and a
// margin for the libraries); 0 if not even that fits.
std::size_t connections_within(std::uint64_t open_files, const AppConfig& config);

// Raises the soft RLIMIT_NOFILE to the hard limit (as far as an unprivileged process may), then sets
// config.server.max_connections: server.max_connections if configured, else every connection that
// fits. Throws infra::config::ConfigError when the configured value does not fit or nothing does.
// Logs the limit and the choice.
void limit_connections_to_descriptors(AppConfig& config);

}  // namespace shop::app
