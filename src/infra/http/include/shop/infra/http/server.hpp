#pragma once

#include "shop/infra/http/client_address.hpp"
#include "shop/infra/http/message.hpp"
#include "shop/infra/http/router.hpp"
#include "shop/infra/metrics/registry.hpp"

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

// The HTTP edge: Beast sessions as coroutines on a pool of I/O threads. Every read has a deadline,
// bodies have a limit, a connection may pipeline only so many requests, open connections are capped
// in total and per client address, and drain() lets in-flight requests finish while refusing new
// connections.
namespace shop::infra::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // ":0" or "host:0" picks a free port
  std::size_t io_threads = 2;
  std::chrono::milliseconds read_timeout{15'000};  // for one whole request, idle keep-alive included
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_pipelined = 16;  // back-to-back requests already buffered before the connection is closed
  std::chrono::milliseconds drain_timeout{10'000};
  bool access_log = true;
  // Open client connections, all listeners together. Past either cap a new connection is answered
  // 503 (Connection: close) and closed at once; the open ones go on being served.
  std::size_t max_connections = 10'000;
  // Per socket peer, counted by rate_limit_subject (IPv6 per /64). A trusted proxy carries many
  // clients, so its connections count only against max_connections.
  std::size_t max_connections_per_address = 256;
  TrustedProxies trusted_proxies{};  // whose X-Forwarded-For sets Request::client_address
};

struct ListenAddress {
  std::string host;
  std::uint16_t port;
};
// "127.0.0.1:8080", "[::1]:8080", ":0" (all interfaces); nullopt if malformed.
std::optional<ListenAddress> parse_listen_address(std::string_view text);

// Turns an exception a handler threw into a response (a database outage into 503, say); nullopt
// leaves it to the server's 500.
using ErrorMapper = std::function<std::optional<Response>(std::exception_ptr)>;

class Server {
 public:
  // Throws std::logic_error without an authenticator: a server unable to check bearer tokens would
  // answer every signed-in route 401, which is a wiring mistake to stop at, not to serve.
  Server(ServerOptions options, const Router& router, Authenticator authenticator, metrics::Registry& metrics,
         ErrorMapper map_error);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Before start(): also serves `router` on `listen` (HOST:PORT), under the same limits, e.g. /metrics
  // on an address only the monitoring reaches. Its start is logged as `listening listener=<name>`.
  void add_listener(std::string name, std::string listen, const Router& router);
  // Binds every listener (throws std::system_error if one cannot) and starts the I/O threads.
  void start();
  // "127.0.0.1:41234" once started: the main listener's, or the one added under `listener`.
  std::string local_address(std::string_view listener = {}) const;
  // Thread-safe and idempotent: stop accepting, let in-flight requests finish (up to drain_timeout),
  // close idle connections, then stop the I/O threads.
  void drain();
  // Blocks until the I/O threads have stopped.
  void wait();
  // For other coroutines that live as long as the server (signals, jobs).
  boost::asio::io_context& io_context();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::infra::http
