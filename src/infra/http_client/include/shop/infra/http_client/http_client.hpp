#pragma once

#include "shop/infra/http/message.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

// An HTTP/1.1 client for calls to other services (the payment gateway), plain or over TLS, awaited
// from coroutines: `SendResult result = co_await client.send({Method::kPost, url, headers, body});`.
//
// It runs its own I/O thread, so a caller on any executor (a server connection, a job) can use it and
// its pooled connections never depend on the caller's io_context. A failure is a value that says
// whether the request had been fully sent: before that the server cannot have acted on it (safe to
// retry); after, the outcome is unknown.
namespace shop::infra::http_client {

struct ClientOptions {
  // Name resolution, TCP connect and the TLS handshake, together.
  std::chrono::milliseconds connect_timeout{500};
  // Writing the request and reading the whole response, together.
  std::chrono::milliseconds read_timeout{1'500};
  // PEM file of an extra certificate authority to trust beside the system store (/etc/ssl/certs), for a
  // private CA or a test. Certificates are always verified, host name included.
  std::optional<std::string> ca_file;
  // Keep-alive: idle connections kept per origin for the next request; 0 sends Connection: close.
  std::size_t max_idle_per_origin = 8;
  // An idle connection older than this is closed rather than reused: well inside the keep-alive
  // timeouts servers use, so that a reused connection has rarely just been closed by the server.
  std::chrono::milliseconds max_idle_time{4'000};
};

struct ClientRequest {
  http::Method method = http::Method::kGet;
  std::string url;  // absolute: "https://host[:port]/path?query" (see url.hpp)
  // Sent as given; Host, Content-Length and Connection are the client's to set.
  http::Headers headers;
  std::string body;
};

struct ClientResponse {
  unsigned status = 0;
  http::Headers headers;
  std::string body;

  std::optional<std::string_view> header(std::string_view name) const;  // case-insensitive
};

enum class FailureKind {
  kResolve,       // the host name did not resolve
  kConnect,       // refused, unreachable, or the connection broke before it was ready
  kTlsHandshake,  // the TLS handshake failed: mostly a certificate that did not verify
  kTimeout,       // connect_timeout or read_timeout passed; request_sent tells which
  kSend,          // the connection broke while the request was being written
  kReceive,       // after the request was sent: reset, closed early, or a malformed response
};

std::string_view failure_kind_name(FailureKind kind);  // "connect", "timeout", ... for logs and metrics

struct SendFailure {
  FailureKind kind;
  // The whole request was written before it failed: the server may have acted on it, and only asking
  // it can tell. False means it certainly did not (a partial request is never processed).
  bool request_sent = false;
  std::string message;  // for logs: what failed and why, never the body
};

// A response (any status) or a failure.
class SendResult {
 public:
  SendResult(ClientResponse response) : value_(std::move(response)) {}
  SendResult(SendFailure failure) : value_(std::move(failure)) {}

  bool ok() const { return std::holds_alternative<ClientResponse>(value_); }
  ClientResponse& response() { return std::get<ClientResponse>(value_); }
  const ClientResponse& response() const { return std::get<ClientResponse>(value_); }
  const SendFailure& failure() const { return std::get<SendFailure>(value_); }

 private:
  std::variant<ClientResponse, SendFailure> value_;
};

class HttpClient {
 public:
  // Starts the I/O thread. Throws std::invalid_argument for non-positive timeouts and
  // std::runtime_error if ca_file cannot be loaded.
  explicit HttpClient(ClientOptions options = {});
  // Waits for sends in flight (each bounded by its timeouts), closes idle connections, joins the thread.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Throws std::invalid_argument for a URL parse_url refuses or Method::kOther; every network failure
  // is a SendFailure instead.
  boost::asio::awaitable<SendResult> send(ClientRequest request);
  // The same for a thread that is not a coroutine (a scheduler job); throws std::logic_error if called
  // on the client's own I/O thread, where it would wait for itself.
  SendResult send_blocking(ClientRequest request);

  const ClientOptions& options() const;
  // The client's I/O thread, for work that belongs with its calls (a retry loop run for a blocking
  // caller).
  boost::asio::any_io_executor executor() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::infra::http_client
