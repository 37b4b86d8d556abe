#include "shop/infra/http/server.hpp"

#include "access_check.hpp"
#include "request_metrics.hpp"

#include "shop/infra/http/problem.hpp"
#include "shop/infra/log/log.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <charconv>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

namespace shop::infra::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kHeaderLimit = 16 * 1024;

// A client's request id is kept if it is short and plain, so it cannot inject into logs.
bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':'))
      return false;
  }
  return true;
}

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format(FMT_COMPILE("{:016x}"), rng());
}

std::string endpoint_text(const tcp::endpoint& ep) {
  const auto address = ep.address();
  return address.is_v6() ? fmt::format("[{}]:{}", address.to_string(), ep.port())
                         : fmt::format("{}:{}", address.to_string(), ep.port());
}

IpAddress ip_address_of(const asio::ip::address& address) {
  return IpAddress(address.is_v4()
                       ? asio::ip::make_address_v6(asio::ip::v4_mapped, address.to_v4()).to_bytes()
                       : address.to_v6().to_bytes());
}

struct Listener {
  Listener(std::string n, std::string l, const Router& r,
           asio::strand<asio::io_context::executor_type>& strand)
      : name(std::move(n)), listen(std::move(l)), router(r), acceptor(strand) {}
  std::string name;  // empty for the main listener
  std::string listen;
  const Router& router;
  tcp::acceptor acceptor;
  std::string local_address;
};

struct Connection {
  Connection(tcp::socket socket, const Router& r, IpAddress p, std::string rem, std::string subj)
      : stream(std::move(socket)), router(r), peer(p), remote(std::move(rem)), subject(std::move(subj)) {}
  beast::tcp_stream stream;
  const Router& router;
  IpAddress peer;
  std::string remote;   // "ip:port", for the log
  std::string subject;  // what it counts against max_connections_per_address; empty: not counted
  bool busy = false;    // touched only on the connection's strand
};

// Why a new connection was closed at once; the label of shopd_http_refused_connections_total.
enum class Refusal { kDraining, kMaxConnections, kPerAddress, kOutOfDescriptors };
constexpr std::array<std::string_view, 4> kRefusalReasons{"draining", "max_connections", "per_address",
                                                          "out_of_descriptors"};
constexpr auto kRefusalWarningInterval = std::chrono::seconds(10);

// One descriptor held in reserve, on /dev/null, for the moment accept() runs out of them.
class SpareDescriptor {
 public:
  SpareDescriptor() { acquire(); }
  ~SpareDescriptor() { release(); }
  SpareDescriptor(const SpareDescriptor&) = delete;
  SpareDescriptor& operator=(const SpareDescriptor&) = delete;

  void acquire() {
    if (fd_ < 0) fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }
  // False if there was none to give back.
  bool release() {
    if (fd_ < 0) return false;
    ::close(fd_);
    fd_ = -1;
    return true;
  }

 private:
  int fd_ = -1;
};

bhttp::response<bhttp::string_body> to_message(Response response, bool close) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(response.status), 11};
  if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) out.insert(name, value);
  out.body() = std::move(response.body);
  out.keep_alive(!close);
  out.prepare_payload();
  return out;
}

// What a refused connection is told before it is closed.
Response too_many_connections() {
  return Problem(503, "too_many_connections", "Too many connections",
                 "The server holds as many connections as it may; try again shortly.")
      .header("Retry-After", "1")
      .to_response();
}

// Transfer-Encoding is accepted only as a single `chunked` on an HTTP/1.1 request without
// Content-Length. Beast reads any other coding ("gzip", "chunked, gzip", "identity") as a request
// without a body, so the body's bytes would be parsed as the next request, while a proxy in front
// may have framed them differently: request smuggling (RFC 9112 11.2). Codings before a final
// chunked ("gzip, chunked") are valid HTTP/1.1, but shopd decodes none, so those are refused too
// rather than handed to handlers still encoded. Beast itself refuses two Content-Lengths that differ
// and a Content-Length after chunked.
bool unambiguous_framing(const bhttp::request_parser<bhttp::string_body>::value_type& message) {
  const auto [first, last] = message.equal_range(bhttp::field::transfer_encoding);
  if (first == last) return true;
  return std::next(first) == last && beast::iequals(first->value(), "chunked") && message.version() == 11 &&
         message.count(bhttp::field::content_length) == 0;
}

// One request: its header, a check of its framing before a byte of the body is read, then the body.
asio::awaitable<boost::system::error_code> read_request(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                        bhttp::request_parser<bhttp::string_body>& parser) {
  auto [header_error, header_bytes] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
  (void)header_bytes;
  if (header_error) co_return header_error;
  if (!unambiguous_framing(parser.get())) co_return bhttp::error::bad_transfer_encoding;
  auto [body_error, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
  (void)body_bytes;
  co_return body_error;
}

}  // namespace

std::optional<ListenAddress> parse_listen_address(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || value > 65535)
    return std::nullopt;
  boost::system::error_code parse_error;
  asio::ip::make_address(host.empty() ? "0.0.0.0" : std::string(host), parse_error);
  if (parse_error) return std::nullopt;
  return ListenAddress{host.empty() ? "0.0.0.0" : std::string(host), static_cast<std::uint16_t>(value)};
}

struct Server::Impl {
  Impl(ServerOptions opts, const Router& r, Authenticator auth, metrics::Registry& m, ErrorMapper mapper)
      : options(std::move(opts)),
        authenticator(std::move(auth)),
        metrics(m),
        request_metrics(m),
        map_error(std::move(mapper)),
        ioc(static_cast<int>(options.io_threads)),
        acceptor_strand(asio::make_strand(ioc)),
        refusal(too_many_connections()) {
    if (!authenticator) throw std::logic_error("http::Server needs an authenticator for bearer tokens");
    listeners.push_back(std::make_unique<Listener>("", options.listen, r, acceptor_strand));
  }

  void start();
  void bind(Listener& listener);
  asio::awaitable<void> accept_loop(Listener& listener);
  bool shed_pending_connection(tcp::acceptor& acceptor);
  void open_connection(tcp::socket socket, const Listener& listener);
  std::optional<Refusal> admit(const std::shared_ptr<Connection>& conn);
  void refuse(tcp::socket& socket, Refusal reason);
  asio::awaitable<void> serve(std::shared_ptr<Connection> conn);
  asio::awaitable<Response> respond(const Router& router, Request& request);
  asio::awaitable<void> drain_connections();
  void record(const Request& request, unsigned status, std::chrono::steady_clock::duration elapsed);
  void forget(const std::shared_ptr<Connection>& conn);

  ServerOptions options;
  Authenticator authenticator;
  metrics::Registry& metrics;
  RequestMetrics request_metrics;
  ErrorMapper map_error;
  asio::io_context ioc;
  asio::strand<asio::io_context::executor_type> acceptor_strand;
  std::vector<std::unique_ptr<Listener>> listeners;  // the main one first
  std::vector<std::thread> threads;
  const Response refusal;
  std::array<metrics::Counter*, kRefusalReasons.size()> refused{};
  // Touched only on the acceptor strand.
  SpareDescriptor spare_descriptor;
  std::chrono::steady_clock::time_point last_refusal_warning{};

  std::mutex mutex;  // guards connections, per_address and draining
  std::set<std::shared_ptr<Connection>> connections;
  std::unordered_map<std::string, std::size_t> per_address;  // open connections by subject
  bool draining = false;
  std::atomic<bool> draining_flag{false};  // the same, readable without the lock
};

void Server::Impl::bind(Listener& listener) {
  const auto address = parse_listen_address(listener.listen);
  if (!address) throw std::invalid_argument("bad listen address: " + listener.listen);
  const tcp::endpoint endpoint(asio::ip::make_address(address->host), address->port);
  auto& acceptor = listener.acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  // shed_pending_connection() accepts synchronously; it must never wait for a client.
  acceptor.non_blocking(true);
  listener.local_address = endpoint_text(acceptor.local_endpoint());
}

void Server::Impl::start() {
  for (auto& listener : listeners) bind(*listener);
  metrics.gauge("shopd_http_open_connections", "Open client connections.", {}, [this] {
    std::lock_guard lock(mutex);
    return static_cast<double>(connections.size());
  });
  for (std::size_t i = 0; i < kRefusalReasons.size(); ++i) {
    refused[i] = &metrics.counter("shopd_http_refused_connections_total",
                                  "Connections closed as soon as accepted, by reason.",
                                  {{"reason", std::string(kRefusalReasons[i])}});
  }
  for (auto& listener : listeners) asio::co_spawn(acceptor_strand, accept_loop(*listener), asio::detached);
  for (std::size_t i = 0; i < options.io_threads; ++i) threads.emplace_back([this] { ioc.run(); });
  log::info("http", "listening",
            {{"address", listeners.front()->local_address},
             {"io_threads", options.io_threads},
             {"max_connections", options.max_connections},
             {"max_connections_per_address", options.max_connections_per_address}});
  for (std::size_t i = 1; i < listeners.size(); ++i) {
    log::info("http", "listening",
              {{"listener", listeners[i]->name}, {"address", listeners[i]->local_address}});
  }
}

asio::awaitable<void> Server::Impl::accept_loop(Listener& listener) {
  auto& acceptor = listener.acceptor;
  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
    if (ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system) {
      if (shed_pending_connection(acceptor)) continue;
    }
    if (ec) {
      if (!acceptor.is_open()) break;
      // Out of descriptors with none spare, and friends: back off briefly instead of spinning.
      log::warn("http", "accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(acceptor_strand, std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    open_connection(std::move(socket), listener);
  }
}

// Out of file descriptors, the pending connection would wait in the backlog while accept fails again
// and again. Giving back the spare descriptor makes room to take it, answer 503 and close it; then the
// spare is taken again for next time.
bool Server::Impl::shed_pending_connection(tcp::acceptor& acceptor) {
  if (!spare_descriptor.release()) return false;
  tcp::socket socket(ioc);
  boost::system::error_code ec;
  acceptor.accept(socket, ec);
  if (!ec) refuse(socket, Refusal::kOutOfDescriptors);
  spare_descriptor.acquire();
  return true;
}

void Server::Impl::open_connection(tcp::socket socket, const Listener& listener) {
  boost::system::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return;  // the client is gone already; the socket closes here
  const auto peer = ip_address_of(endpoint.address());
  auto subject = options.trusted_proxies.trusts(peer) ? std::string() : rate_limit_subject(peer);
  auto conn = std::make_shared<Connection>(std::move(socket), listener.router, peer, endpoint_text(endpoint),
                                           std::move(subject));
  if (const auto refusal_reason = admit(conn)) {
    refuse(conn->stream.socket(), *refusal_reason);
    return;
  }
  asio::co_spawn(conn->stream.get_executor(), serve(conn), [this, conn](std::exception_ptr error) {
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        log::error("http", "connection failed", {{"error", e.what()}});
      }
    }
    forget(conn);
  });
}

std::optional<Refusal> Server::Impl::admit(const std::shared_ptr<Connection>& conn) {
  std::lock_guard lock(mutex);
  if (draining) return Refusal::kDraining;
  if (connections.size() >= options.max_connections) return Refusal::kMaxConnections;
  if (!conn->subject.empty()) {
    auto& open = per_address[conn->subject];
    if (open >= options.max_connections_per_address) return Refusal::kPerAddress;
    ++open;
  }
  connections.insert(conn);
  return std::nullopt;
}

void Server::Impl::forget(const std::shared_ptr<Connection>& conn) {
  std::lock_guard lock(mutex);
  connections.erase(conn);
  if (conn->subject.empty()) return;
  const auto it = per_address.find(conn->subject);
  if (--it->second == 0) per_address.erase(it);
}

void Server::Impl::refuse(tcp::socket& socket, Refusal reason) {
  const auto index = static_cast<std::size_t>(reason);
  refused[index]->add();
  auto message = to_message(refusal, true);
  message.set("X-Request-Id", new_request_id());
  std::ostringstream text;
  text << message;
  boost::system::error_code ignored;
  // A fresh connection's send buffer takes the short answer whole, so this never waits on the client.
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(text.str()), ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
  // One line now and then tells the operator; the counter has the numbers.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_refusal_warning >= kRefusalWarningInterval) {
    last_refusal_warning = now;
    log::warn("http", "refusing connections", {{"reason", kRefusalReasons[index]}});
  }
}

asio::awaitable<void> Server::Impl::serve(std::shared_ptr<Connection> conn) {
  beast::flat_buffer buffer;
  std::size_t pipelined = 0;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    parser.header_limit(kHeaderLimit);
    conn->stream.expires_after(options.read_timeout);
    const auto read_error = co_await read_request(conn->stream, buffer, parser);

    const auto started = std::chrono::steady_clock::now();
    Request request;
    request.remote_address = conn->remote;
    Response response;
    bool close = false;
    if (read_error) {
      // A request too large or malformed gets its answer; anything else (timeout, EOF, a drain) just closes.
      if (read_error == bhttp::error::body_limit) {
        response = Problem(413, "payload_too_large", "Payload too large",
                           fmt::format("Request bodies are limited to {} bytes.", options.max_body_bytes))
                       .to_response();
      } else if (read_error == bhttp::error::header_limit) {
        response = Problem(431, "headers_too_large", "Request header fields too large").to_response();
      } else if (read_error == bhttp::error::bad_transfer_encoding) {
        response = Problem(400, "bad_request", "Bad request",
                           "Transfer-Encoding must be chunked alone, without Content-Length.")
                       .to_response();
      } else if (read_error.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
                 read_error != bhttp::error::end_of_stream && read_error != bhttp::error::partial_message) {
        response =
            Problem(400, "bad_request", "Bad request", "The request is not valid HTTP/1.1.").to_response();
      } else {
        break;
      }
      request.request_id = new_request_id();
      request.method = Method::kOther;
      request.client_address = conn->peer.to_string();  // no header to believe
      close = true;
    } else {
      conn->busy = true;
      auto& message = parser.get();
      request.method = parse_method(message.method_string());
      request.target = std::string(message.target());
      for (const auto& field : message) request.headers.emplace_back(field.name_string(), field.value());
      request.client_address =
          client_address(options.trusted_proxies, conn->peer, request.headers).to_string();
      request.body = std::move(message.body());
      const auto client_id = request.header("X-Request-Id");
      request.request_id =
          client_id && acceptable_request_id(*client_id) ? std::string(*client_id) : new_request_id();
      pipelined = buffer.size() > 0 ? pipelined + 1 : 0;
      response = co_await respond(conn->router, request);
      close = !message.keep_alive() || draining_flag.load() || pipelined >= options.max_pipelined;
    }

    const unsigned status = response.status;
    auto out = to_message(std::move(response), close);
    out.set("X-Request-Id", request.request_id);
    conn->stream.expires_after(options.read_timeout);
    auto [write_error, written] = co_await bhttp::async_write(conn->stream, out, kTuple);
    (void)written;
    conn->busy = false;
    record(request, status, std::chrono::steady_clock::now() - started);
    if (close || write_error) break;
    if (draining_flag.load()) break;
  }
  boost::system::error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<Response> Server::Impl::respond(const Router& router, Request& request) {
  try {
    if (!parse_target(request.target, request.path, request.query)) {
      throw Problem(400, "bad_request", "Bad request", "The request target is not validly encoded.");
    }
    auto match = router.match(request.method, request.path);
    if (match.kind == Router::Match::Kind::kNotFound) {
      throw Problem(404, "not_found", "Not found", "There is no resource at this path.");
    }
    if (match.kind == Router::Match::Kind::kMethodNotAllowed) {
      std::string allow;
      for (Method m : match.allowed) allow += (allow.empty() ? "" : ", ") + std::string(method_name(m));
      throw Problem(405, "method_not_allowed", "Method not allowed",
                    fmt::format("This resource answers {}.", allow))
          .header("Allow", allow);
    }
    request.route = std::string(match.pattern);
    request.params = std::move(match.params);
    co_await check_access(authenticator, *match.access, request);
    co_return co_await (*match.handler)(request);
  } catch (const Problem& problem) {
    co_return problem.to_response();
  } catch (...) {
    if (map_error) {
      if (auto mapped = map_error(std::current_exception())) co_return std::move(*mapped);
    }
    try {
      throw;
    } catch (const std::exception& e) {
      log::error("http", "handler failed",
                 {{"req", request.request_id}, {"route", request.route}, {"error", e.what()}});
    }
    co_return Problem(500, "internal_error", "Internal server error").to_response();
  }
}

void Server::Impl::record(const Request& request, unsigned status,
                          std::chrono::steady_clock::duration elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  request_metrics.record(request.route, request.method, status, seconds);
  if (options.access_log && log::enabled(log::Level::kInfo)) {
    // The path only, never the query: query strings may carry personal data.
    log::info("http", "request",
              {{"req", request.request_id},
               {"method", method_name(request.method)},
               {"path", request.path.empty() ? std::string("-") : request.path},
               {"route", route_label(request.route)},
               {"status", status},
               {"ms", fmt::format("{:.3f}", seconds * 1000)},
               {"client", request.client_address},
               {"remote", request.remote_address}});
  }
}

asio::awaitable<void> Server::Impl::drain_connections() {
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mutex);
    draining = true;
    draining_flag = true;
    open.assign(connections.begin(), connections.end());
  }
  log::info("http", "draining", {{"connections", open.size()}});
  asio::post(acceptor_strand, [this] {
    boost::system::error_code ignored;
    for (auto& listener : listeners) listener->acceptor.close(ignored);
  });
  // Idle connections (waiting for a request) are cancelled now; busy ones close after their response.
  for (auto& conn : open) {
    asio::post(conn->stream.get_executor(), [conn] {
      if (!conn->busy) conn->stream.cancel();
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + options.drain_timeout;
  asio::steady_timer timer(ioc);
  for (;;) {
    std::size_t left = 0;
    {
      std::lock_guard lock(mutex);
      left = connections.size();
    }
    if (left == 0) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      log::warn("http", "drain timed out", {{"connections", left}});
      break;
    }
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(kTuple);
  }
  log::info("http", "drained");
  ioc.stop();
}

Server::Server(ServerOptions options, const Router& router, Authenticator authenticator,
               metrics::Registry& metrics, ErrorMapper map_error)
    : impl_(std::make_unique<Impl>(std::move(options), router, std::move(authenticator), metrics,
                                   std::move(map_error))) {}

Server::~Server() {
  impl_->ioc.stop();
  wait();
}

void Server::add_listener(std::string name, std::string listen, const Router& router) {
  impl_->listeners.push_back(
      std::make_unique<Listener>(std::move(name), std::move(listen), router, impl_->acceptor_strand));
}

void Server::start() {
  impl_->start();
}

std::string Server::local_address(std::string_view listener) const {
  for (const auto& l : impl_->listeners) {
    if (l->name == listener) return l->local_address;
  }
  throw std::invalid_argument("no listener named " + std::string(listener));
}

void Server::drain() {
  if (impl_->draining_flag.exchange(true)) return;
  asio::co_spawn(impl_->ioc, impl_->drain_connections(), asio::detached);
}

void Server::wait() {
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

boost::asio::io_context& Server::io_context() {
  return impl_->ioc;
}

}  // namespace shop::infra::http
