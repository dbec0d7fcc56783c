#include "dualhttpd/tls/server_context.hpp"

#include <openssl/pem.h>
#include <sys/stat.h>

#include <fmt/format.h>

#include "dualhttpd/base/file_text.hpp"
#include "dualhttpd/base/unique_fd.hpp"
#include "dualhttpd/tls/openssl_owned.hpp"

namespace dualhttpd {

namespace {

using openssl::Owned;

// Mozilla's "intermediate" TLS 1.2 ciphers (version 5.7) without the DHE ones, which would
// need parameters of our own: forward secret, AEAD only. TLS 1.3's own suites are OpenSSL's
// default (AES-GCM and ChaCha20-Poly1305).
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* groups = "X25519:prime256v1:secp384r1";
// Each cached session holds about 1.4 KiB: 4096 of them bound the cache at about 6 MiB (20480
// grew the server to 32 MiB under the handshake benchmark). nginx's 1 MiB shared cache holds
// about as many.
constexpr long session_cache_entries = 4096;
constexpr long session_lifetime_s = 24L * 60 * 60;  // Mozilla's one day
constexpr unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

// ALPN: HTTP/1.1 is all this server speaks. A client that offers only other protocols
// (h2 alone) gets the no_application_protocol alert (RFC 7301 section 3.2) rather than a
// connection on which it would speak a protocol the server does not.
int select_http11(SSL*, const unsigned char** out, unsigned char* out_length,
                  const unsigned char* offered, unsigned int offered_length, void*) {
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_length, http11, sizeof http11, offered,
                            offered_length) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

// A key file never prompts for a pass phrase: the server has no terminal to ask on.
int no_pass_phrase(char*, int, int, void*) {
  return 0;
}

Owned<SSL_CTX> configured_context() {
  Owned<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx || !SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) ||
      !SSL_CTX_set_cipher_list(ctx.get(), tls12_ciphers) ||
      !SSL_CTX_set1_groups_list(ctx.get(), groups))
    return nullptr;
  // A client that closes TCP without close_notify ends its stream as a plain one would:
  // HTTP/1.1 frames every message itself.
  // The server's order of ciphers, ChaCha20 first for a client that lists it first (one
  // without AES instructions): every cipher here is an AEAD with forward secrecy, and a
  // scanner (testssl.sh) rates leaving the order to the client HIGH.
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                                     SSL_OP_NO_TICKET | SSL_OP_IGNORE_UNEXPECTED_EOF |
                                     SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA);
  // Idle keep-alive connections give their read and write buffers back; a write that has to
  // wait may be retried from another address (the session's buffers may move).
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_SERVER);
  SSL_CTX_sess_set_cache_size(ctx.get(), session_cache_entries);
  SSL_CTX_set_timeout(ctx.get(), session_lifetime_s);
  static constexpr unsigned char id[] = "dualhttpd";
  SSL_CTX_set_session_id_context(ctx.get(), id, sizeof id - 1);
  SSL_CTX_set_alpn_select_cb(ctx.get(), select_http11, nullptr);
  // Whole records (and what follows them) in one read, not a 5-byte header and then the
  // rest: as nginx reads.
  SSL_CTX_set_read_ahead(ctx.get(), 1);
  // One TLS 1.3 ticket per connection, not OpenSSL's two: a client resumes with one, and each
  // is an entry in the session cache and a record to encrypt and write.
  SSL_CTX_set_num_tickets(ctx.get(), 1);
  return ctx;
}

// A file's text and mode, opened through the file opener: after root is given up, a reload
// (SIGHUP) reads the certificate and key through its helper, which kept root for them.
struct PemFile {
  std::string text;
  mode_t mode = 0;
};

Result<PemFile> read_pem_file(TlsServerContext::OpenForReading open, const std::string& path,
                              const std::string& what, const std::string& fix) {
  const int fd = open(path);
  if (fd < 0)
    return Diagnostic{fmt::format("cannot read the TLS {} {}", what, path), ::strerrordesc_np(-fd),
                      fix};
  const UniqueFd file(fd);
  std::string why;
  auto text = read_fd_text(fd, &why);
  struct stat st {};
  if (!text || ::fstat(fd, &st) != 0)
    return Diagnostic{fmt::format("cannot read the TLS {} {}", what, path), why, fix};
  return PemFile{std::move(*text), st.st_mode};
}

std::string mode_text(mode_t mode) {
  return fmt::format("{:04o}", mode & 07777);
}

// The key is readable by nobody else but its owner and group (Debian's ssl-cert group reads
// /etc/ssl/private).
Result<> check_key_mode(const std::string& path, mode_t mode) {
  if ((mode & S_IROTH) == 0) return {};
  return Diagnostic{
      fmt::format("the TLS key {} is readable by every user (mode {})", path, mode_text(mode)),
      "whoever can log in here can read it and pose as this server",
      fmt::format("chmod o-rwx {}", path)};
}

// The server's certificate and the chain after it, into `ctx`; what it names.
Result<CertificateNames> use_certificate_chain(SSL_CTX* ctx, const std::string& pem,
                                               const std::string& path) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Owned<X509> leaf(bio ? PEM_read_bio_X509(bio.get(), nullptr, no_pass_phrase, nullptr) : nullptr);
  if (!leaf || !SSL_CTX_use_certificate(ctx, leaf.get()))
    return Diagnostic{
        fmt::format("{} holds no certificate OpenSSL can read", path), openssl::last_error(),
        fmt::format("name a PEM file that begins with -----BEGIN CERTIFICATE----- (a DER file "
                    "converts with: openssl x509 -inform der -in {} -out server.pem)",
                    path)};
  while (Owned<X509> next{PEM_read_bio_X509(bio.get(), nullptr, no_pass_phrase, nullptr)})
    if (!SSL_CTX_add1_chain_cert(ctx, next.get()))
      return Diagnostic{fmt::format("cannot use the chain in {}", path), openssl::last_error(),
                        "put the server's certificate first, then each CA certificate above it"};
  ERR_clear_error();  // the end of the file, reached by the loop
  return certificate_names(leaf.get());
}

Result<> use_key(SSL_CTX* ctx, const std::string& pem, const TlsFiles& files) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Owned<EVP_PKEY> key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_pass_phrase, nullptr)
                          : nullptr);
  if (!key)
    return Diagnostic{
        fmt::format("{} holds no private key OpenSSL can read", files.key), openssl::last_error(),
        fmt::format("name the key in PEM (-----BEGIN PRIVATE KEY-----); a key under a pass "
                    "phrase is decrypted once with: openssl pkey -in {} -out server.key",
                    files.key)};
  if (!SSL_CTX_use_PrivateKey(ctx, key.get()) || !SSL_CTX_check_private_key(ctx)) {
    ERR_clear_error();
    return Diagnostic{
        fmt::format("the TLS key {} does not belong to the certificate {}", files.key,
                    files.certificate),
        "the certificate holds another key's public half: every handshake would fail",
        fmt::format("name the key made with this certificate (they belong together when "
                    "`openssl x509 -in {} -noout -pubkey` and `openssl pkey -in {} -pubout` "
                    "print the same)",
                    files.certificate, files.key)};
  }
  return {};
}

Result<> check_validity(const CertificateNames& names, const std::string& path) {
  if (names.not_yet_valid)
    return Diagnostic{
        fmt::format("the TLS certificate {} is valid only from {}", path, names.not_before),
        "until then clients refuse it (curl: \"certificate is not yet valid\"); if that time "
        "has passed, this machine's clock is wrong",
        "check the clock (date -u; timedatectl), or issue the certificate again"};
  if (names.days_left < 0)
    return Diagnostic{fmt::format("the TLS certificate {} expired on {}", path, names.not_after),
                      "clients refuse it (curl: \"SSL certificate problem: certificate has "
                      "expired\")",
                      "renew it, or let dualhttpd make one that names the listeners: "
                      "--tls-self-signed"};
  return {};
}

}  // namespace

Result<TlsServerContext> TlsServerContext::load(const TlsFiles& files, OpenForReading open) {
  // Debian's apache2 names the snakeoil pair that the ssl-cert package makes.
  const bool snakeoil = files.certificate.find("ssl-cert-snakeoil") != std::string::npos;
  const auto certificate = read_pem_file(
      open, files.certificate, "certificate",
      snakeoil ? "apt-get install ssl-cert (it makes the snakeoil pair), or let dualhttpd make "
                 "a certificate that names the listeners: --tls-self-signed"
               : "point --tls-cert at the server's certificate (PEM), or let dualhttpd make "
                 "one: --tls-self-signed");
  if (!certificate) return certificate.error();
  const auto key = read_pem_file(open, files.key, "key",
                                 "point --tls-key at the certificate's key; dualhttpd reads it "
                                 "at start as the user that starts it (root, before it gives "
                                 "up root)");
  if (!key) return key.error();
  if (auto mode = check_key_mode(files.key, key->mode); !mode) return mode.error();
  auto ctx = configured_context();
  if (!ctx)
    return Diagnostic{"cannot set up TLS", openssl::last_error(), "", DiagnosticKind::runtime};
  auto names = use_certificate_chain(ctx.get(), certificate->text, files.certificate);
  if (!names) return names.error();
  if (auto used = use_key(ctx.get(), key->text, files); !used) return used.error();
  if (auto valid = check_validity(*names, files.certificate); !valid) return valid.error();
  TlsServerContext out;
  out.context_ = std::shared_ptr<SSL_CTX>(ctx.release(), SSL_CTX_free);
  out.files_ = files;
  out.names_ = std::move(*names);
  return out;
}

}  // namespace dualhttpd
