#pragma once
// The server's TLS configuration (SPEC §6): TLS 1.2 or newer only, certificate chain and
// private key from PEM files, through asio's OpenSSL support.
// Thread-safety: the returned context is read-only once built and shared by all connections.

#include <asio/ssl.hpp>
#include <memory>
#include <string>

#include "common/status.hpp"

namespace strata::server {

// Loads `cert_file` and `key_file`. Errors: kInvalidValue naming the file and OpenSSL's reason.
Result<std::unique_ptr<asio::ssl::context>> make_tls_context(const std::string& cert_file,
                                                             const std::string& key_file);

}  // namespace strata::server
