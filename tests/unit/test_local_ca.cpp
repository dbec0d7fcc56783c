// The local CA's certificates checked by OpenSSL's own verifier, as curl --cacert checks them:
// the chain, the IP literal of the URL against the iPAddress entries, the host name.
#include <doctest/doctest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <string>

#include "dualhttpd/tls/local_ca.hpp"

using namespace dualhttpd;

namespace {

X509* read(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return certificate;
}

// X509_V_OK, or why OpenSSL refuses `server` for `ip` (or `host`) given only `ca` as trusted.
int verify(const PemPair& ca, const PemPair& server, const std::string& ip,
           const std::string& host = {}) {
  X509* root = read(ca.certificate);
  X509* leaf = read(server.certificate);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, root);
  X509_STORE_CTX* context = X509_STORE_CTX_new();
  X509_STORE_CTX_init(context, store, leaf, nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context);
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  if (!ip.empty()) X509_VERIFY_PARAM_set1_ip_asc(param, ip.c_str());
  if (!host.empty()) X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  const int result = X509_verify_cert(context) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(context);
  X509_STORE_CTX_free(context);
  X509_STORE_free(store);
  X509_free(leaf);
  X509_free(root);
  return result;
}

}  // namespace

TEST_CASE(
    "a server certificate from the local CA verifies for every literal it names, only those") {
  const auto ca = make_local_ca("guest");
  REQUIRE(ca.has_value());
  CHECK(ca->certificate.starts_with("-----BEGIN CERTIFICATE-----"));
  CHECK(ca->key.starts_with("-----BEGIN PRIVATE KEY-----"));
  const auto server = issue_server_certificate(*ca, {"2001:db8:21c::24", "192.0.2.24"}, {"guest"});
  REQUIRE(server.has_value());
  CHECK(verify(*ca, *server, "2001:db8:21c::24") == X509_V_OK);
  CHECK(verify(*ca, *server, "2001:0db8:021c:0000::24") == X509_V_OK);  // the same address
  CHECK(verify(*ca, *server, "192.0.2.24") == X509_V_OK);
  CHECK(verify(*ca, *server, "", "guest") == X509_V_OK);
  CHECK(verify(*ca, *server, "2001:db8:21c::25") == X509_V_ERR_IP_ADDRESS_MISMATCH);
  CHECK(verify(*ca, *server, "", "other") == X509_V_ERR_HOSTNAME_MISMATCH);
  // Another machine's CA does not vouch for it.
  const auto other = make_local_ca("other");
  REQUIRE(other.has_value());
  CHECK(verify(*other, *server, "2001:db8:21c::24") != X509_V_OK);
  // The CA cannot pose as a server, nor the server as a CA.
  CHECK(verify(*ca, *ca, "") != X509_V_OK);
  const auto below = issue_server_certificate(*server, {"192.0.2.25"}, {});
  REQUIRE(below.has_value());
  CHECK(verify(*ca, *below, "192.0.2.25") != X509_V_OK);
}

TEST_CASE("what a certificate names, read back") {
  const auto ca = make_local_ca("guest");
  REQUIRE(ca.has_value());
  const auto server =
      issue_server_certificate(*ca, {"2001:0db8:21c:0::24", "192.0.2.24"}, {"guest.example"});
  REQUIRE(server.has_value());
  const auto names = certificate_names(server->certificate);
  REQUIRE(names.has_value());
  CHECK(names->ip_addresses == std::vector<std::string>{"2001:db8:21c::24", "192.0.2.24"});
  CHECK(names->dns_names == std::vector<std::string>{"guest.example"});
  CHECK(names->subject == "CN=guest.example");
  CHECK(names->not_after.ends_with("GMT"));
  CHECK(certificate_names(ca->certificate)->subject == "CN=dualhttpd local CA on guest");
  CHECK_FALSE(certificate_names("not a certificate").has_value());
}

TEST_CASE("a literal a certificate cannot hold is refused in words") {
  const auto ca = make_local_ca("guest");
  REQUIRE(ca.has_value());
  for (const std::string literal : {"fe80::1%eth0", "[2001:db8::1]", "192.0.2.1:443", "guest"}) {
    CAPTURE(literal);
    const auto refused = issue_server_certificate(*ca, {literal}, {});
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().subject.find(literal) != std::string::npos);
    CHECK(refused.error().cause.find("no zone") != std::string::npos);
    CHECK_FALSE(refused.error().fix.empty());
  }
}
