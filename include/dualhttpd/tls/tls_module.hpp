// The TLS module: all of dualhttpd that calls OpenSSL, built as a loadable module
// (lib/dualhttpd/tls.so) that the program maps only once something speaks TLS (a TLS
// listener, --check of one, probe https://), as httpd loads mod_ssl. A server with plain
// listeners only maps neither the module nor libssl and libcrypto, which cost it 1.7 MiB of
// resident memory when the program was linked with them (tests/bench/README.md).
//
// The program and the module are built together from one tree; what crosses between them is
// this table, which the module hands out and the program checks (`build`, `size`).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/tls/certificate_names.hpp"
#include "dualhttpd/tls/local_ca_store.hpp"
#include "dualhttpd/tls/server_context.hpp"

struct ssl_st;      // OpenSSL's SSL
struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace dualhttpd {

// What a client's handshake showed of the server (probe https://).
struct TlsPeer {
  std::string version, cipher, alpn;
  bool have_certificate = false;
  CertificateNames names;
  long verify = 0;          // X509_V_OK (0), or an X509_V_ERR_* code
  std::string verify_text;  // OpenSSL's words for `verify`
};

struct TlsModule {
  const char* build;  // DUALHTTPD_VERSION
  std::size_t size;   // sizeof(TlsModule)

  // One connection on its own non-blocking socket (runtime/tls_stream). The calls after
  // new_server and new_client are OpenSSL's own (SSL_do_handshake, SSL_read, ...).
  ssl_st* (*new_server)(ssl_ctx_st* context, int socket);
  // A client's connection that offers ALPN http/1.1 and checks that the certificate names
  // `ip_literal` (its verification is read after the handshake: describe_peer).
  ssl_st* (*new_client)(ssl_ctx_st* context, int socket, const std::string& ip_literal);
  void (*free)(ssl_st* ssl);
  int (*handshake)(ssl_st* ssl);
  int (*read)(ssl_st* ssl, void* data, int size);
  int (*write)(ssl_st* ssl, const void* data, int size);
  int (*shutdown)(ssl_st* ssl);
  int (*get_error)(const ssl_st* ssl, int result);
  void (*clear_errors)();
  unsigned long (*next_error)();  // the oldest in this thread's queue, taken off it; 0: none
  // OpenSSL's words for an error code: "wrong version number (SSL routines)".
  std::string (*error_text)(unsigned long error);
  // Whether the error is OpenSSL's "http request": plain HTTP sent to a TLS port.
  bool (*is_plain_http)(unsigned long error);

  // The server's certificates (tls/server_context, tls/local_ca_store).
  decltype(&TlsServerContext::load) load_server_context;
  decltype(&local_certificate) self_signed;  // --tls-self-signed

  // A client's context (probe): the CA file to verify with, or the system's store when it
  // is empty.
  Result<std::shared_ptr<ssl_ctx_st>> (*client_context)(const std::string& ca_file);
  TlsPeer (*describe_peer)(ssl_st* ssl);
};

// The module, mapped on first use and kept; a diagnostic (the file, the reason, the fix) when
// it cannot be. It is lib/dualhttpd/tls.so in the program's build tree, or beside the
// program's own directory once installed (/usr/sbin/dualhttpd: /usr/lib/dualhttpd/tls.so).
Result<const TlsModule*> load_tls_module();

// The module, once load_tls_module() has loaded it (a TLS listener or probe is running).
const TlsModule& tls_module();

}  // namespace dualhttpd
