#include "shop/infra/http_client/http_client.hpp"

#include "connection.hpp"
#include "idle_connections.hpp"
#include "tls_context.hpp"

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <thread>

namespace shop::infra::http_client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t kResponseBodyLimit = 8 * 1024 * 1024;  // Beast's default for responses, said aloud

bhttp::verb to_verb(http::Method method) {
  switch (method) {
    case http::Method::kGet:
      return bhttp::verb::get;
    case http::Method::kHead:
      return bhttp::verb::head;
    case http::Method::kPost:
      return bhttp::verb::post;
    case http::Method::kPut:
      return bhttp::verb::put;
    case http::Method::kPatch:
      return bhttp::verb::patch;
    case http::Method::kDelete:
      return bhttp::verb::delete_;
    case http::Method::kOptions:
      return bhttp::verb::options;
    case http::Method::kOther:
      break;
  }
  throw std::invalid_argument("http client: a request needs a method it can send");
}

const ClientOptions& checked(const ClientOptions& options) {
  if (options.connect_timeout <= std::chrono::milliseconds::zero())
    throw std::invalid_argument("http client: connect_timeout must be positive");
  if (options.read_timeout <= std::chrono::milliseconds::zero())
    throw std::invalid_argument("http client: read_timeout must be positive");
  return options;
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

SendFailure failure(FailureKind kind, bool request_sent, std::string message) {
  return SendFailure{kind, request_sent, std::move(message)};
}

// What send() checked before the work moves to the client's thread.
struct Prepared {
  Url url;
  bhttp::verb verb;
  ClientRequest request;
};

Prepared prepare(ClientRequest request) {
  auto url = parse_url(request.url);
  if (!url) throw std::invalid_argument("http client: not an absolute http(s) URL: " + request.url);
  const auto verb = to_verb(request.method);
  return Prepared{std::move(*url), verb, std::move(request)};
}

}  // namespace

std::optional<std::string_view> ClientResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (same_name(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::string_view failure_kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::kResolve:
      return "resolve";
    case FailureKind::kConnect:
      return "connect";
    case FailureKind::kTlsHandshake:
      return "tls_handshake";
    case FailureKind::kTimeout:
      return "timeout";
    case FailureKind::kSend:
      return "send";
    case FailureKind::kReceive:
      return "receive";
  }
  return "unknown";
}

struct HttpClient::Impl {
  explicit Impl(ClientOptions opts)
      : options(checked(opts)),
        tls_context(make_tls_context(options.ca_file)),
        idle(options.max_idle_per_origin, options.max_idle_time),
        work(asio::make_work_guard(ioc)),
        thread([this] { ioc.run(); }) {}

  asio::awaitable<SendResult> perform(Prepared prepared);
  // perform() for co_spawn, which wants a default-constructible result.
  asio::awaitable<void> perform_into(Prepared prepared, std::optional<SendResult>& result) {
    result.emplace(co_await perform(std::move(prepared)));
  }
  asio::awaitable<std::optional<SendFailure>> connect(Connection& connection, const Url& url);
  asio::awaitable<std::optional<SendFailure>> resolve(const Url& url, Clock::time_point deadline,
                                                      tcp::resolver::results_type& endpoints);
  template <class Stream>
  asio::awaitable<SendResult> exchange(Stream& stream, Connection& connection,
                                       bhttp::request<bhttp::string_body>& message, bool& reusable);

  const ClientOptions options;
  asio::io_context ioc{1};
  asio::ssl::context tls_context;
  IdleConnections idle;  // touched only on `thread`
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::thread thread;
};

asio::awaitable<SendResult> HttpClient::Impl::perform(Prepared prepared) {
  const Url& url = prepared.url;
  const auto origin = url.origin();
  auto connection = idle.take(origin);
  if (!connection) {
    connection = std::make_unique<Connection>(ioc.get_executor());
    if (auto failed = co_await connect(*connection, url)) co_return std::move(*failed);
  }

  bhttp::request<bhttp::string_body> message{prepared.verb, url.target, 11};
  for (const auto& [name, value] : prepared.request.headers) message.insert(name, value);
  message.set(bhttp::field::host, url.host_header());
  if (message.find(bhttp::field::user_agent) == message.end()) message.set(bhttp::field::user_agent, "shopd");
  message.body() = std::move(prepared.request.body);
  message.keep_alive(options.max_idle_per_origin > 0);
  message.prepare_payload();

  bool reusable = false;
  connection->tcp().expires_after(options.read_timeout);
  // Not `auto result = tls ? co_await a : co_await b;`: g++ 12 copies the result of a co_await in a
  // conditional bitwise, and both copies free the response's strings (ASan: double free).
  std::optional<SendResult> result;
  if (connection->tls) {
    result.emplace(co_await exchange(*connection->tls, *connection, message, reusable));
  } else {
    result.emplace(co_await exchange(*connection->plain, *connection, message, reusable));
  }
  if (reusable && options.max_idle_per_origin > 0) {
    connection->tcp().expires_never();
    idle.put(origin, std::move(connection));
  }
  co_return std::move(*result);
}

asio::awaitable<std::optional<SendFailure>> HttpClient::Impl::resolve(
    const Url& url, Clock::time_point deadline, tcp::resolver::results_type& endpoints) {
  // The resolver has no deadline of its own: a timer cancels it. Both live on this one thread, and the
  // timer holds the resolver weakly, so neither outlives this frame in use.
  auto resolver = std::make_shared<tcp::resolver>(ioc);
  asio::steady_timer timer(ioc, deadline);
  timer.async_wait([weak = std::weak_ptr<tcp::resolver>(resolver)](const boost::system::error_code& ec) {
    if (auto r = weak.lock(); r && !ec) r->cancel();
  });
  auto flags = tcp::resolver::numeric_service;
  if (url.host_is_address()) flags |= tcp::resolver::numeric_host;
  auto [error, results] = co_await resolver->async_resolve(url.host, std::to_string(url.port), flags, kTuple);
  timer.cancel();
  if (error == asio::error::operation_aborted) {
    co_return failure(FailureKind::kTimeout, false,
                      fmt::format("resolving {}: no answer within the connect timeout ({} ms)", url.host,
                                  options.connect_timeout.count()));
  }
  if (error)
    co_return failure(FailureKind::kResolve, false,
                      fmt::format("resolving {}: {}", url.host, error.message()));
  endpoints = std::move(results);
  co_return std::nullopt;
}

asio::awaitable<std::optional<SendFailure>> HttpClient::Impl::connect(Connection& connection,
                                                                      const Url& url) {
  const auto deadline = Clock::now() + options.connect_timeout;
  tcp::resolver::results_type endpoints;
  if (auto failed = co_await resolve(url, deadline, endpoints)) co_return failed;

  connection.tcp().expires_at(deadline);
  auto [connect_error, endpoint] = co_await connection.tcp().async_connect(endpoints, kTuple);
  (void)endpoint;
  if (connect_error == beast::error::timeout) {
    co_return failure(FailureKind::kTimeout, false,
                      fmt::format("connecting to {}: timed out after {} ms", url.origin(),
                                  options.connect_timeout.count()));
  }
  if (connect_error) {
    co_return failure(FailureKind::kConnect, false,
                      fmt::format("connecting to {}: {}", url.origin(), connect_error.message()));
  }
  boost::system::error_code ignored;
  connection.tcp().socket().set_option(tcp::no_delay(true), ignored);

  if (url.scheme == Scheme::kHttps) {
    connection.start_tls(tls_context);
    if (!expect_peer(connection.tls->native_handle(), url)) {
      co_return failure(FailureKind::kTlsHandshake, false,
                        fmt::format("TLS to {}: cannot ask for this host name", url.origin()));
    }
    auto [handshake_error_code] =
        co_await connection.tls->async_handshake(asio::ssl::stream_base::client, kTuple);
    const auto& e = handshake_error_code;
    if (e == beast::error::timeout) {
      co_return failure(FailureKind::kTimeout, false,
                        fmt::format("TLS handshake with {}: timed out after {} ms (connect timeout)",
                                    url.origin(), options.connect_timeout.count()));
    }
    // A closed or reset connection is the network's doing; anything else TLS itself refused.
    if (e && (e == asio::ssl::error::stream_truncated || e.category() != asio::error::get_ssl_category())) {
      co_return failure(FailureKind::kConnect, false,
                        fmt::format("TLS handshake with {}: {}", url.origin(), e.message()));
    }
    if (e) {
      co_return failure(FailureKind::kTlsHandshake, false,
                        fmt::format("TLS handshake with {}: {}", url.origin(),
                                    handshake_error(connection.tls->native_handle(), e)));
    }
  }
  connection.tcp().expires_never();
  co_return std::nullopt;
}

template <class Stream>
asio::awaitable<SendResult> HttpClient::Impl::exchange(Stream& stream, Connection& connection,
                                                       bhttp::request<bhttp::string_body>& message,
                                                       bool& reusable) {
  auto [write_error, written] = co_await bhttp::async_write(stream, message, kTuple);
  (void)written;
  if (write_error == beast::error::timeout) {
    co_return failure(FailureKind::kTimeout, false,
                      fmt::format("sending the request: timed out after {} ms (read timeout)",
                                  options.read_timeout.count()));
  }
  if (write_error)
    co_return failure(FailureKind::kSend, false, "sending the request: " + write_error.message());

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kResponseBodyLimit);
  if (message.method() == bhttp::verb::head) parser.skip(true);  // a HEAD answer has no body to wait for
  auto [read_error, read] = co_await bhttp::async_read(stream, connection.buffer, parser, kTuple);
  (void)read;
  if (read_error == beast::error::timeout) {
    co_return failure(FailureKind::kTimeout, true,
                      fmt::format("the request was sent, and no whole response came within {} ms",
                                  options.read_timeout.count()));
  }
  if (read_error) {
    co_return failure(FailureKind::kReceive, true,
                      "the request was sent, and reading the response failed: " + read_error.message());
  }
  auto& response = parser.get();
  // Bytes beyond the response would be an answer to nothing we asked: such a connection is not reused.
  reusable = response.keep_alive() && connection.buffer.size() == 0;
  ClientResponse out;
  out.status = response.result_int();
  for (const auto& field : response) out.headers.emplace_back(field.name_string(), field.value());
  out.body = std::move(response.body());
  co_return out;
}

HttpClient::HttpClient(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpClient::~HttpClient() {
  // run() returns once the sends in flight are done; idle sockets hold no work. They close with Impl,
  // before the io_context they belong to.
  impl_->work.reset();
  impl_->thread.join();
}

asio::awaitable<SendResult> HttpClient::send(ClientRequest request) {
  auto prepared = prepare(std::move(request));
  std::optional<SendResult> result;
  co_await asio::co_spawn(impl_->ioc, impl_->perform_into(std::move(prepared), result), asio::use_awaitable);
  co_return std::move(*result);
}

SendResult HttpClient::send_blocking(ClientRequest request) {
  if (impl_->ioc.get_executor().running_in_this_thread())
    throw std::logic_error("http client: send_blocking on the client's own I/O thread");
  auto prepared = prepare(std::move(request));
  std::optional<SendResult> result;
  asio::co_spawn(impl_->ioc, impl_->perform_into(std::move(prepared), result), asio::use_future).get();
  return std::move(*result);
}

const ClientOptions& HttpClient::options() const {
  return impl_->options;
}

asio::any_io_executor HttpClient::executor() const {
  return impl_->ioc.get_executor();
}

}  // namespace shop::infra::http_client
