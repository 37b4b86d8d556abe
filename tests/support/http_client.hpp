#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// A deliberately plain HTTP/1.1 client on POSIX sockets: tests must see exactly what the server
// sends (status, headers, connection close), including for pipelined and malformed requests.
namespace shop::test {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  unsigned status = 0;
  HeaderList headers;
  std::string body;

  std::optional<std::string> header(std::string_view name) const;  // case-insensitive
  boost::json::value json() const;
};

// "GET /x HTTP/1.1" with Host, Content-Length and Content-Type (when there is a body) filled in.
std::string format_request(std::string_view method, std::string_view target, std::string_view body = {},
                           const HeaderList& headers = {});

class HttpConnection {
 public:
  // Connects to 127.0.0.1:port; throws std::runtime_error if refused.
  explicit HttpConnection(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // The same from `source_address`, e.g. "127.0.0.2": every 127.0.0.0/8 address is this machine's,
  // so one test can be many clients.
  HttpConnection(std::uint16_t port, const std::string& source_address,
                 std::chrono::milliseconds timeout = std::chrono::seconds(15));
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  void send(std::string_view bytes);
  // Reads one response; throws if the peer closes or nothing arrives within the timeout.
  HttpResponse read_response();
  HttpResponse request(std::string_view method, std::string_view target, std::string_view body = {},
                       const HeaderList& headers = {});
  // True if the server closes the connection within `wait` (buffered responses are discarded).
  bool closed_by_peer(std::chrono::milliseconds wait);

 private:
  bool fill();  // reads more bytes into buffer_; false on EOF
  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
HttpResponse http_request(std::uint16_t port, std::string_view method, std::string_view target,
                          std::string_view body = {}, const HeaderList& headers = {});

// True if nothing accepts connections on 127.0.0.1:port.
bool connection_refused(std::uint16_t port);

}  // namespace shop::test
