// The ceiling of every HTTP benchmark: the least a keep-alive HTTP/1.1 JSON answer costs with Beast
// on this machine, on as many I/O threads as shopd runs by default (one per core). bench/*.sh measure
// it in the same run as shopd and print shopd's figures as fractions of it, so that a noisy shared
// machine cancels out instead of a hard-coded reference drifting away from the truth.
//
// usage: trivial_http_server [--listen HOST:PORT] [--threads N]
// Answers every request with 200 {"status":"ok"}. Port 0 (the default) picks a free port; once the
// socket listens, "listening on HOST:PORT" goes to stdout. SIGINT/SIGTERM stop it.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// The same shape as shopd's connection loop (a read timeout, one parser per request) minus the
// application: what is left is Beast, Asio and the kernel.
asio::awaitable<void> serve(beast::tcp_stream stream) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    stream.expires_after(std::chrono::seconds(15));
    auto [read_error, read] = co_await http::async_read(stream, buffer, request, kTuple);
    if (read_error) break;
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::content_type, "application/json");
    response.body() = R"({"status":"ok"})";
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    auto [write_error, written] = co_await http::async_write(stream, response, kTuple);
    if (write_error || !response.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept(asio::io_context& ioc, tcp::acceptor& acceptor) {
  while (acceptor.is_open()) {
    // Each connection on a strand of its own, as shopd does, so both pay for the same dispatching.
    auto [error, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
    if (error) continue;  // an aborted handshake; a closed acceptor ends the loop
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(beast::tcp_stream(std::move(socket))), asio::detached);
  }
}

std::optional<tcp::endpoint> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned short port = 0;
  const auto [end, parse_error] = std::from_chars(port_text.begin(), port_text.end(), port);
  if (port_text.empty() || parse_error != std::errc{} || end != port_text.end()) return std::nullopt;
  boost::system::error_code address_error;
  const auto address = asio::ip::make_address(std::string(host), address_error);
  if (address_error) return std::nullopt;
  return tcp::endpoint(address, port);
}

std::optional<unsigned> parse_threads(std::string_view text) {
  unsigned n = 0;
  const auto [end, error] = std::from_chars(text.begin(), text.end(), n);
  if (error != std::errc{} || end != text.end() || n < 1 || n > 256) return std::nullopt;
  return n;
}

int usage() {
  std::cerr << "usage: trivial_http_server [--listen HOST:PORT] [--threads N]\n"
               "  --listen   address to serve (default 127.0.0.1:0, a free port)\n"
               "  --threads  I/O threads, 1-256 (default: one per core, as shopd)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<tcp::endpoint> endpoint = tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
  std::optional<unsigned> threads = std::max(1u, std::thread::hardware_concurrency());
  for (int i = 1; i < argc; ++i) {
    const std::string_view option = argv[i];
    if (i + 1 == argc) return usage();
    if (option == "--listen") {
      endpoint = parse_endpoint(argv[++i]);
    } else if (option == "--threads") {
      threads = parse_threads(argv[++i]);
    } else {
      return usage();
    }
    if (!endpoint || !threads) return usage();
  }

  asio::io_context ioc(static_cast<int>(*threads));
  tcp::acceptor acceptor(ioc, *endpoint);
  asio::signal_set stop(ioc, SIGINT, SIGTERM);
  stop.async_wait([&](const boost::system::error_code&, int) { ioc.stop(); });
  asio::co_spawn(ioc, accept(ioc, acceptor), asio::detached);
  std::cout << "listening on " << acceptor.local_endpoint() << std::endl;

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < *threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}
