// The TLS side of a listener: an OpenSSL server context with the certificate and key loaded
// and checked. TLS 1.2 and 1.3 only, Mozilla's "intermediate" ciphers (ECDHE with AES-GCM or
// ChaCha20-Poly1305), no renegotiation, no compression, ALPN http/1.1, and sessions resumed
// from a server-side cache (no session tickets: their key would outlive forward secrecy).
// Made once before the server starts and shared by every worker (OpenSSL locks what it
// shares).
#pragma once

#include <memory>
#include <string>

#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/tls/local_ca.hpp"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace dualhttpd {

// Where a TLS listener's certificate and key are.
struct TlsFiles {
  std::string certificate;  // PEM: the server's certificate, then its chain
  std::string key;          // PEM: its private key
};

class TlsServerContext {
 public:
  // Loads `files` and checks them: the key is readable and not readable by every user,
  // it belongs to the certificate, and the certificate is valid now. Each refusal names the
  // file, the reason and the fix.
  // The files are opened with `open` (a descriptor or -errno): the program's file opener, whose
  // helper kept root for them after the program gave it up (a reload on SIGHUP).
  using OpenForReading = int (*)(const std::string& path);
  static Result<TlsServerContext> load(const TlsFiles& files, OpenForReading open);
  ssl_ctx_st* native() const { return context_.get(); }
  std::shared_ptr<ssl_ctx_st> shared() const { return context_; }
  const TlsFiles& files() const { return files_; }
  // What the server's certificate names, and until when.
  const CertificateNames& names() const { return names_; }

 private:
  std::shared_ptr<ssl_ctx_st> context_;
  TlsFiles files_;
  CertificateNames names_;
};

}  // namespace dualhttpd
