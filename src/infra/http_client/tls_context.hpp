#pragma once

#include "shop/infra/http_client/url.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <optional>
#include <string>

// How the client speaks TLS: 1.2 or newer, the peer's certificate verified against the system store
// (/etc/ssl/certs through OpenSSL's default paths) and an optional extra CA, and its name checked.
namespace shop::infra::http_client {

// Throws std::runtime_error if ca_file cannot be loaded.
boost::asio::ssl::context make_tls_context(const std::optional<std::string>& ca_file);

// Before the handshake: SNI for a host name (never for an address, RFC 6066), and the name or address
// the certificate must carry. False if OpenSSL refuses them.
bool expect_peer(SSL* ssl, const Url& url);

// Why a handshake failed, with OpenSSL's verdict on the certificate when it was the certificate
// ("certificate verify failed: self-signed certificate").
std::string handshake_error(SSL* ssl, const boost::system::error_code& error);

}  // namespace shop::infra::http_client
