#pragma once

#include "shop/infra/http_client/url.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <optional>

// One connection to an origin, plain or TLS, with the bytes read past the last response.
namespace shop::infra::http_client {

struct Connection {
  explicit Connection(const boost::asio::any_io_executor& executor) : plain(executor) {}

  // Wraps the connected socket in TLS; plain is empty afterwards.
  void start_tls(boost::asio::ssl::context& context) {
    tls.emplace(std::move(*plain), context);
    plain.reset();
  }
  boost::beast::tcp_stream& tcp() { return tls ? boost::beast::get_lowest_layer(*tls) : *plain; }

  std::optional<boost::beast::tcp_stream> plain;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls;
  boost::beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since{};
};

}  // namespace shop::infra::http_client
