#include "tls_context.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace shop::infra::http_client {

boost::asio::ssl::context make_tls_context(const std::optional<std::string>& ca_file) {
  namespace ssl = boost::asio::ssl;
  ssl::context context(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  context.set_verify_mode(ssl::verify_peer);
  context.set_default_verify_paths();
  if (ca_file) {
    boost::system::error_code error;
    context.load_verify_file(*ca_file, error);
    if (error) throw std::runtime_error("cannot load the CA file " + *ca_file + ": " + error.message());
  }
  return context;
}

bool expect_peer(SSL* ssl, const Url& url) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (url.host_is_address()) return X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str()) == 1;
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  // SSL_set_tlsext_host_name spelled out: the macro's C cast trips -Wold-style-cast.
  return X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), url.host.size()) == 1 &&
         SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                  const_cast<char*>(url.host.c_str())) == 1;
}

std::string handshake_error(SSL* ssl, const boost::system::error_code& error) {
  const long verdict = SSL_get_verify_result(ssl);
  if (verdict != X509_V_OK)
    return "certificate verify failed: " + std::string(X509_verify_cert_error_string(verdict));
  return error.message();
}

}  // namespace shop::infra::http_client
