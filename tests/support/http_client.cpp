#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <boost/json/parse.hpp>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace shop::test {
namespace {

// Connects to 127.0.0.1:port, from `source_address` unless it is empty.
int connect_loopback(std::uint16_t port, const std::string& source_address = {}) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(fmt::format("socket() failed: {}", std::strerror(errno)));
  if (!source_address.empty()) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source_address.c_str(), &source.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
      ::close(fd);
      throw std::runtime_error("cannot bind a client socket to " + source_address);
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    ::close(fd);
    throw std::runtime_error(fmt::format("connect to port {} failed: {}", port, std::strerror(err)));
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return v;
  }
  return std::nullopt;
}

boost::json::value HttpResponse::json() const {
  return boost::json::parse(body);
}

std::string format_request(std::string_view method, std::string_view target, std::string_view body,
                           const HeaderList& headers) {
  std::string out = fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target);
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    out += fmt::format("{}: {}\r\n", k, v);
    has_type = has_type || strcasecmp(k.c_str(), "Content-Type") == 0;
  }
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    if (!has_type) out += "Content-Type: application/json\r\n";
    out += fmt::format("Content-Length: {}\r\n", body.size());
  }
  out += "\r\n";
  out += body;
  return out;
}

HttpConnection::HttpConnection(std::uint16_t port, std::chrono::milliseconds timeout)
    : HttpConnection(port, std::string(), timeout) {}

HttpConnection::HttpConnection(std::uint16_t port, const std::string& source_address,
                               std::chrono::milliseconds timeout)
    : fd_(connect_loopback(port, source_address)) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void HttpConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error(fmt::format("send failed: {}", std::strerror(errno)));
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool HttpConnection::fill() {
  char chunk[16384];
  const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) throw std::runtime_error("timed out waiting for the server");
    if (errno == ECONNRESET) return false;
    throw std::runtime_error(fmt::format("recv failed: {}", std::strerror(errno)));
  }
  if (n == 0) return false;
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

HttpResponse HttpConnection::read_response() {
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) throw std::runtime_error("connection closed before a response");
  }
  HttpResponse response;
  std::string_view head(buffer_.data(), header_end);
  const auto first_line_end = head.find("\r\n");
  const auto status_line = head.substr(0, first_line_end);
  if (!status_line.starts_with("HTTP/1.1 "))
    throw std::runtime_error("bad status line: " + std::string(status_line));
  response.status = static_cast<unsigned>(std::stoul(std::string(status_line.substr(9, 3))));
  std::size_t content_length = 0;
  if (first_line_end != std::string_view::npos) {
    std::string_view rest = head.substr(first_line_end + 2);
    while (!rest.empty()) {
      const auto eol = rest.find("\r\n");
      const auto line = rest.substr(0, eol);
      const auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (strcasecmp(name.c_str(), "Content-Length") == 0) content_length = std::stoul(std::string(value));
        response.headers.emplace_back(std::move(name), std::string(value));
      }
      if (eol == std::string_view::npos) break;
      rest.remove_prefix(eol + 2);
    }
  }
  const std::size_t body_start = header_end + 4;
  while (buffer_.size() < body_start + content_length) {
    if (!fill()) throw std::runtime_error("connection closed inside a response body");
  }
  response.body = buffer_.substr(body_start, content_length);
  buffer_.erase(0, body_start + content_length);
  return response;
}

HttpResponse HttpConnection::request(std::string_view method, std::string_view target, std::string_view body,
                                     const HeaderList& headers) {
  send(format_request(method, target, body, headers));
  return read_response();
}

bool HttpConnection::closed_by_peer(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) return true;
    if (n < 0) return false;
  }
}

HttpResponse http_request(std::uint16_t port, std::string_view method, std::string_view target,
                          std::string_view body, const HeaderList& headers) {
  HttpConnection conn(port);
  return conn.request(method, target, body, headers);
}

bool connection_refused(std::uint16_t port) {
  try {
    HttpConnection conn(port);
    return false;
  } catch (const std::runtime_error&) {
    return true;
  }
}

}  // namespace shop::test
