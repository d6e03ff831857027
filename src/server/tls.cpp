#include "server/tls.hpp"

#include <openssl/ssl.h>

namespace strata::server {

Result<std::unique_ptr<asio::ssl::context>> make_tls_context(const std::string& cert_file,
                                                             const std::string& key_file) {
  if (cert_file.empty() || key_file.empty()) {
    return Status(Code::kInvalidValue, "TLS needs both --tls-cert and --tls-key");
  }
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  std::error_code ec;
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                           asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                       ec);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return Status(Code::kInvalidValue,
                  "cannot load TLS certificate " + cert_file + ": " + ec.message());
  }
  context->use_private_key_file(key_file, asio::ssl::context::pem, ec);
  if (ec) {
    return Status(Code::kInvalidValue, "cannot load TLS key " + key_file + ": " + ec.message());
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return Status(Code::kInvalidValue,
                  "TLS key " + key_file + " does not match certificate " + cert_file);
  }
  return context;
}

}  // namespace strata::server
