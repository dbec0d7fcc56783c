#include "dualhttpd/tls/local_ca.hpp"

#include <arpa/inet.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dualhttpd/tls/openssl_owned.hpp"

namespace dualhttpd {

namespace {

using openssl::Owned;

constexpr long day = 24L * 60 * 60;
constexpr long ca_days = 3650;
constexpr long server_days = 397;  // the most browsers accept from any CA (since 2020)

Diagnostic failed(std::string subject) {
  return {std::move(subject), openssl::last_error(), "", DiagnosticKind::runtime};
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::string pem_of(X509* certificate) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  return bio && PEM_write_bio_X509(bio.get(), certificate) ? bio_text(bio.get()) : std::string();
}

std::string pem_of(EVP_PKEY* key) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  return bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
             ? bio_text(bio.get())
             : std::string();
}

Owned<X509> read_certificate(const std::string& pem) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Owned<X509>(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

Owned<EVP_PKEY> read_key(const std::string& pem) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Owned<EVP_PKEY>(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                             : nullptr);
}

// A random 159-bit serial number (RFC 5280 section 4.1.2.2: positive, at most 20 octets).
bool set_random_serial(X509* certificate) {
  Owned<BIGNUM> serial(BN_new());
  return serial && BN_rand(serial.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
         BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate));
}

// A version 3 certificate for `key`, named `common_name`, valid from an hour ago (a client
// whose clock is a little behind) for `days`.
Owned<X509> new_certificate(EVP_PKEY* key, const std::string& common_name, long days) {
  Owned<X509> certificate(X509_new());
  if (!certificate || !X509_set_version(certificate.get(), 2) ||
      !set_random_serial(certificate.get()) ||
      !X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -60L * 60) ||
      !X509_gmtime_adj(X509_getm_notAfter(certificate.get()), days * day) ||
      !X509_set_pubkey(certificate.get(), key))
    return nullptr;
  const auto* name_bytes = reinterpret_cast<const unsigned char*>(common_name.c_str());
  if (!X509_NAME_add_entry_by_txt(X509_get_subject_name(certificate.get()), "CN", MBSTRING_UTF8,
                                  name_bytes, -1, -1, 0))
    return nullptr;
  return certificate;
}

// Adds an extension written as `openssl x509 -extfile` would take it.
bool add_extension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
  return extension && X509_add_ext(certificate, extension.get(), -1);
}

Owned<EVP_PKEY> new_p256_key() {
  return Owned<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

std::string time_text(const ASN1_TIME* time) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  return bio && ASN1_TIME_print(bio.get(), time) ? bio_text(bio.get()) : std::string();
}

}  // namespace

Result<PemPair> make_local_ca(const std::string& host_name) {
  const std::string subject = "cannot make the local certificate authority";
  const auto key = new_p256_key();
  if (!key) return failed(subject);
  auto ca = new_certificate(key.get(), "dualhttpd local CA on " + host_name, ca_days);
  if (!ca || !X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get())) ||
      !add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
      !add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash") ||
      !X509_sign(ca.get(), key.get(), EVP_sha256()))
    return failed(subject);
  return PemPair{pem_of(ca.get()), pem_of(key.get())};
}

Result<PemPair> issue_server_certificate(const PemPair& ca,
                                         const std::vector<std::string>& ip_literals,
                                         const std::vector<std::string>& dns_names) {
  const std::string subject = "cannot issue the server certificate";
  CertificateNames wanted;  // its subjectAltName, written as probe and the warnings read it
  wanted.dns_names = dns_names;
  for (const auto& literal : ip_literals) {
    const auto ip = canonical_ip(literal);
    if (!ip)
      return Diagnostic{
          fmt::format("{}: {} is not an IP address as a certificate holds one", subject, literal),
          "an iPAddress entry holds the 4 or 16 bytes of the address: no brackets, no port, and "
          "no zone (a link-local address's %eth0 has no place in it)",
          "name the address alone, e.g. 2001:db8:21c::24 or 192.0.2.24"};
    wanted.ip_addresses.push_back(*ip);
  }
  const auto names = fmt::format("{}", fmt::join(wanted.entries(), ","));  // "IP:a,DNS:b"
  const auto ca_certificate = read_certificate(ca.certificate);
  const auto ca_key = read_key(ca.key);
  if (!ca_certificate || !ca_key)
    return failed(subject + ": the CA's certificate or key is unreadable");
  const auto key = new_p256_key();
  if (!key) return failed(subject);
  const auto common_name = !dns_names.empty()    ? dns_names.front()
                           : ip_literals.empty() ? "dualhttpd"
                                                 : ip_literals.front();
  auto server = new_certificate(key.get(), common_name, server_days);
  if (!server || !X509_set_issuer_name(server.get(), X509_get_subject_name(ca_certificate.get())) ||
      !add_extension(server.get(), ca_certificate.get(), NID_basic_constraints,
                     "critical,CA:FALSE") ||
      !add_extension(server.get(), ca_certificate.get(), NID_key_usage,
                     "critical,digitalSignature") ||
      !add_extension(server.get(), ca_certificate.get(), NID_ext_key_usage, "serverAuth") ||
      !add_extension(server.get(), ca_certificate.get(), NID_subject_key_identifier, "hash") ||
      !add_extension(server.get(), ca_certificate.get(), NID_authority_key_identifier,
                     "keyid:always") ||
      (!names.empty() &&
       !add_extension(server.get(), ca_certificate.get(), NID_subject_alt_name, names)) ||
      !X509_sign(server.get(), ca_key.get(), EVP_sha256()))
    return failed(subject);
  return PemPair{pem_of(server.get()), pem_of(key.get())};
}

Result<CertificateNames> certificate_names(const std::string& pem) {
  const auto certificate = read_certificate(pem);
  if (!certificate) return failed("cannot read the certificate");
  return certificate_names(certificate.get());
}

CertificateNames certificate_names(const X509* certificate) {
  CertificateNames out;
  const Owned<GENERAL_NAMES> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_IPADD) {
      const int length = ASN1_STRING_length(name->d.iPAddress);
      std::array<char, INET6_ADDRSTRLEN> text{};
      if ((length == 4 || length == 16) &&
          ::inet_ntop(length == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(name->d.iPAddress),
                      text.data(), text.size()))
        out.ip_addresses.emplace_back(text.data());
    } else if (name->type == GEN_DNS) {
      const auto* data = reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName));
      out.dns_names.emplace_back(data,
                                 static_cast<std::size_t>(ASN1_STRING_length(name->d.dNSName)));
    }
  }
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  if (bio &&
      X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253) >= 0)
    out.subject = bio_text(bio.get());
  out.not_before = time_text(X509_get0_notBefore(certificate));
  out.not_after = time_text(X509_get0_notAfter(certificate));
  out.not_yet_valid = X509_cmp_current_time(X509_get0_notBefore(certificate)) > 0;
  int days = 0;
  int seconds = 0;
  if (ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(certificate)))
    out.days_left = days;
  return out;
}

}  // namespace dualhttpd
