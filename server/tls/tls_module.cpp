// The entry of the TLS module (lib/dualhttpd/tls.so): the table of what it offers the program.
// Only this file's entry point is exported; everything else in the module stays its own.
#include "dualhttpd/tls/tls_module.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <fmt/format.h>

#include "dualhttpd/tls/openssl_owned.hpp"

namespace dualhttpd {

namespace {

SSL* new_server(SSL_CTX* context, int socket) {
  SSL* ssl = SSL_new(context);
  if (!ssl) return nullptr;
  SSL_set_fd(ssl, socket);  // BIO_NOCLOSE: the socket stays the program's
  SSL_set_accept_state(ssl);
  return ssl;
}

SSL* new_client(SSL_CTX* context, int socket, const std::string& ip_literal) {
  static constexpr unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL* ssl = SSL_new(context);
  if (!ssl) return nullptr;
  // No SNI: RFC 6066 has none for an IP literal.
  if (!SSL_set_fd(ssl, socket) || SSL_set_alpn_protos(ssl, http11, sizeof http11) != 0 ||
      !X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), ip_literal.c_str())) {
    SSL_free(ssl);
    return nullptr;
  }
  SSL_set_connect_state(ssl);
  return ssl;
}

// As Asio's ssl error category words it, so that messages stay what they were.
std::string error_text(unsigned long error) {
  const char* reason = ERR_reason_error_string(error);
  if (!reason) return "asio.ssl error";
  const char* library = ERR_lib_error_string(error);
  return library ? fmt::format("{} ({})", reason, library) : std::string(reason);
}

bool is_plain_http(unsigned long error) {
  return ERR_GET_LIB(error) == ERR_LIB_SSL && ERR_GET_REASON(error) == SSL_R_HTTP_REQUEST;
}

// The certificate is verified after the handshake, not during it, so that a certificate
// that fails is still described.
Result<std::shared_ptr<SSL_CTX>> client_context(const std::string& ca_file) {
  std::shared_ptr<SSL_CTX> context(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (!context)
    return Diagnostic{"cannot set up TLS", openssl::last_error(), "", DiagnosticKind::runtime};
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);
  const bool loaded =
      ca_file.empty() ? SSL_CTX_set_default_verify_paths(context.get()) == 1
                      : SSL_CTX_load_verify_locations(context.get(), ca_file.c_str(), nullptr) == 1;
  if (!loaded)
    return Diagnostic{fmt::format("cannot read the CA file {}", ca_file), openssl::last_error(),
                      "name a PEM file of CA certificates"};
  return context;
}

TlsPeer describe_peer(SSL* ssl) {
  TlsPeer peer;
  peer.version = SSL_get_version(ssl);
  peer.cipher = SSL_get_cipher_name(ssl);
  const unsigned char* alpn = nullptr;
  unsigned alpn_length = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_length);
  peer.alpn = alpn ? std::string(reinterpret_cast<const char*>(alpn), alpn_length) : "none";
  if (X509* certificate = SSL_get1_peer_certificate(ssl)) {
    peer.have_certificate = true;
    peer.names = certificate_names(certificate);
    X509_free(certificate);
  }
  peer.verify = SSL_get_verify_result(ssl);
  peer.verify_text = X509_verify_cert_error_string(peer.verify);
  return peer;
}

const TlsModule table{
    DUALHTTPD_VERSION,  sizeof(TlsModule), new_server,    new_client,    SSL_free,
    SSL_do_handshake,   SSL_read,          SSL_write,     SSL_shutdown,  SSL_get_error,
    ERR_clear_error,    ERR_get_error,     error_text,    is_plain_http, &TlsServerContext::load,
    &local_certificate, client_context,    describe_peer,
};

}  // namespace

}  // namespace dualhttpd

extern "C" __attribute__((visibility("default"))) const dualhttpd::TlsModule*
dualhttpd_tls_module() {
  return &dualhttpd::table;
}
