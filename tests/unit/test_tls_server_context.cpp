// Loading a TLS certificate and key: each refusal says what, why and the fix, with the
// user's own file names; the warnings for a certificate that fails some clients; the local
// CA kept in a state directory.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "dualhttpd/base/file_opener.hpp"
#include "dualhttpd/base/file_text.hpp"
#include "dualhttpd/runtime/tls_stream.hpp"
#include "dualhttpd/tls/local_ca_store.hpp"
#include "dualhttpd/tls/server_context.hpp"

using namespace dualhttpd;
namespace fs = std::filesystem;

namespace {

int open_here(const std::string& path) {
  return open_as(path, FileOpener::Kind::read);
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "dualhttpd-tls-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name, const std::string& text, mode_t mode = 0600) const {
    const auto p = (path / name).string();
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
    return p;
  }
};

PemPair issued(const std::vector<std::string>& literals) {
  const auto ca = make_local_ca("test");
  REQUIRE(ca.has_value());
  const auto server = issue_server_certificate(*ca, literals, {"test"});
  REQUIRE(server.has_value());
  return *server;
}

std::string pem(X509* certificate) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, certificate);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

std::string pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

// A self-signed certificate for 2001:db8::24 valid from `from_days` to `to_days` (from now).
PemPair dated(long from_days, long to_days) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  X509* certificate = X509_new();
  X509_set_version(certificate, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate), from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(certificate), to_days * 86400 + 3600);
  X509_set_pubkey(certificate, key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(certificate), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("dated"), -1, -1, 0);
  X509_set_issuer_name(certificate, X509_get_subject_name(certificate));
  X509_sign(certificate, key, EVP_sha256());
  PemPair out{pem(certificate), pem(key)};
  X509_free(certificate);
  EVP_PKEY_free(key);
  return out;
}

std::string refusal(const TlsFiles& files) {
  const auto loaded = TlsServerContext::load(files, open_here);
  REQUIRE_FALSE(loaded.has_value());
  return format_diagnostic(loaded.error());
}

}  // namespace

TEST_CASE("a certificate and its key load, and say what they name") {
  TempDir dir;
  const auto server = issued({"2001:db8:21c::24", "192.0.2.24"});
  const TlsFiles files{dir.file("server.pem", server.certificate, 0644),
                       dir.file("server.key", server.key, 0640)};  // ssl-cert group: fine
  const auto loaded = TlsServerContext::load(files, open_here);
  REQUIRE(loaded.has_value());
  CHECK(loaded->native() != nullptr);
  CHECK(loaded->names().covers_ip("2001:db8:21c:0::24"));
  CHECK(loaded->names().covers_ip("192.0.2.24"));
  CHECK_FALSE(loaded->names().covers_ip("2001:db8:21c::25"));
  CHECK(loaded->names().days_left >= 396);
  CHECK(certificate_warnings(files.certificate, loaded->names(), {{"2001:db8:21c::24", 443}})
            .empty());
}

TEST_CASE("TLS files refused, in words, with the fix for these very files") {
  TempDir dir;
  const auto server = issued({"2001:db8::24"});
  const auto other = issued({"2001:db8::24"});
  const auto cert = dir.file("server.pem", server.certificate, 0644);

  SUBCASE("a key every user can read") {
    const auto key = dir.file("open.key", server.key, 0644);
    const auto text = refusal({cert, key});
    CHECK(text.find("the TLS key " + key + " is readable by every user (mode 0644)") !=
          std::string::npos);
    CHECK(text.find("fix:   chmod o-rwx " + key) != std::string::npos);
  }
  SUBCASE("another certificate's key") {
    const auto key = dir.file("other.key", other.key);
    const auto text = refusal({cert, key});
    CHECK(text.find("the TLS key " + key + " does not belong to the certificate " + cert) !=
          std::string::npos);
    CHECK(text.find("openssl x509 -in " + cert + " -noout -pubkey") != std::string::npos);
  }
  SUBCASE("a missing key") {
    const auto text = refusal({cert, (dir.path / "none.key").string()});
    CHECK(text.find("cannot read the TLS key") != std::string::npos);
    CHECK(text.find("No such file or directory") != std::string::npos);
  }
  SUBCASE("a certificate that is not PEM") {
    const auto bad = dir.file("bad.pem", "not a certificate\n", 0644);
    const auto text = refusal({bad, dir.file("k.key", server.key)});
    CHECK(text.find(bad + " holds no certificate OpenSSL can read") != std::string::npos);
    CHECK(text.find("openssl x509 -inform der -in " + bad) != std::string::npos);
  }
  SUBCASE("a key that is not one") {
    const auto key = dir.file("k.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n");
    CHECK(refusal({cert, key}).find(key + " holds no private key") != std::string::npos);
  }
  SUBCASE("an expired certificate") {
    const auto old = dated(-400, -30);
    const auto text =
        refusal({dir.file("old.pem", old.certificate, 0644), dir.file("old.key", old.key)});
    CHECK(text.find("expired on") != std::string::npos);
    CHECK(text.find("certificate has expired") != std::string::npos);
    CHECK(text.find("--tls-self-signed") != std::string::npos);
  }
  SUBCASE("a certificate not valid yet") {
    const auto early = dated(30, 400);
    const auto text =
        refusal({dir.file("early.pem", early.certificate, 0644), dir.file("early.key", early.key)});
    CHECK(text.find("is valid only from") != std::string::npos);
    CHECK(text.find("date -u") != std::string::npos);
  }
}

TEST_CASE("warnings: an end within 14 days, a listener's literal the certificate does not name") {
  TempDir dir;
  const auto soon = dated(-1, 10);
  const TlsFiles files{dir.file("soon.pem", soon.certificate, 0644),
                       dir.file("soon.key", soon.key)};
  const auto loaded = TlsServerContext::load(files, open_here);
  REQUIRE(loaded.has_value());
  const auto warnings = certificate_warnings(files.certificate, loaded->names(),
                                             {{"2001:db8:21c::24", 8443}, {"192.0.2.24", 443}});
  REQUIRE(warnings.size() == 3);
  CHECK(warnings[0].find("expires on") != std::string::npos);
  CHECK(warnings[0].find("in 10 days") != std::string::npos);
  CHECK(warnings[1].find("does not name 2001:db8:21c::24") != std::string::npos);
  CHECK(warnings[1].find("no subjectAltName at all (only CN=dated)") != std::string::npos);
  CHECK(warnings[1].find("https://[2001:db8:21c::24]:8443/") != std::string::npos);
  CHECK(warnings[1].find("target host name '2001:db8:21c::24'") != std::string::npos);
  CHECK(warnings[1].find("IP:2001:db8:21c::24 in its subjectAltName") != std::string::npos);
  CHECK(warnings[2].find("https://192.0.2.24:443/") != std::string::npos);
}

TEST_CASE("the local CA is made once; the server certificate follows the listeners") {
  TempDir dir;
  const auto state = (dir.path / "state").string();

  const auto dry = local_certificate(state, {"2001:db8::24"}, "guest", false);
  REQUIRE(dry.has_value());
  CHECK((dry->made_ca && dry->issued));
  CHECK_FALSE(fs::exists(state));  // --check writes nothing

  const auto first = local_certificate(state, {"2001:db8::24", "192.0.2.24"}, "guest");
  REQUIRE(first.has_value());
  CHECK((first->made_ca && first->issued));
  CHECK((fs::status(first->files.key).permissions() & fs::perms::others_read) == fs::perms::none);
  CHECK((fs::status(dir.path / "state" / "ca.key").permissions() & fs::perms::group_read) ==
        fs::perms::none);
  const auto ca = read_file_text(first->ca_file);
  const auto again = local_certificate(state, {"192.0.2.24", "2001:db8::24"}, "guest");
  REQUIRE(again.has_value());
  CHECK_FALSE((again->made_ca || again->issued));
  CHECK(TlsServerContext::load(again->files, open_here).has_value());

  const auto moved = local_certificate(state, {"2001:db8::25"}, "guest");
  REQUIRE(moved.has_value());
  CHECK_FALSE(moved->made_ca);
  CHECK(moved->issued);
  CHECK(read_file_text(moved->ca_file) == ca);  // clients that trust the CA still do
  const auto loaded = TlsServerContext::load(moved->files, open_here);
  REQUIRE(loaded.has_value());
  CHECK(loaded->names().covers_ip("2001:db8::25"));
  CHECK_FALSE(loaded->names().covers_ip("2001:db8::24"));
}

TEST_CASE("beside a loopback literal the certificate names localhost; an older one is replaced") {
  using Names = std::vector<std::string>;
  CHECK(server_dns_names({"2001:db8::24", "192.0.2.24"}, "guest") == Names{"guest"});
  CHECK(server_dns_names({"2001:db8::24", "::1"}, "guest") == Names{"guest", "localhost"});
  CHECK(server_dns_names({"127.0.0.2"}, "") == Names{"localhost"});
  CHECK(server_dns_names({"::1"}, "localhost") == Names{"localhost"});
  CHECK(server_dns_names({}, "").empty());

  TempDir dir;
  const auto state = (dir.path / "state").string();
  const auto first = local_certificate(state, {"::1", "127.0.0.1"}, "guest");
  REQUIRE(first.has_value());
  CHECK(first->dns_names == Names{"guest", "localhost"});
  const auto loaded = TlsServerContext::load(first->files, open_here);
  REQUIRE(loaded.has_value());
  CHECK(loaded->names().dns_names == Names{"guest", "localhost"});

  // A server certificate kept from a version that named the host only is issued again.
  const PemPair ca{read_file_text(first->ca_file).value(),
                   read_file_text((dir.path / "state" / "ca.key").string()).value()};
  const auto older = issue_server_certificate(ca, {"::1", "127.0.0.1"}, {"guest"});
  REQUIRE(older.has_value());
  std::ofstream(first->files.certificate) << older->certificate;
  std::ofstream(first->files.key) << older->key;
  const auto again = local_certificate(state, {"::1", "127.0.0.1"}, "guest");
  REQUIRE(again.has_value());
  CHECK_FALSE(again->made_ca);
  CHECK(again->issued);
  CHECK(TlsServerContext::load(again->files, open_here)->names().dns_names ==
        Names{"guest", "localhost"});
}

TEST_CASE("a client's first TLS record: how much more is needed before OpenSSL begins") {
  using namespace std::string_literals;
  CHECK(TlsStream::first_record_missing("") == 1);
  CHECK(TlsStream::first_record_missing("\x16\x03"s) == 3);  // the record header is 5 bytes
  // A ClientHello record of 512 bytes, of which 6 are here.
  CHECK(TlsStream::first_record_missing("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"s) == 506);
  CHECK(TlsStream::first_record_missing("\x16\x03\x01\x00\x02\x01\x00"s) == 0);  // whole
  // Not a handshake record, or longer than TLS allows: OpenSSL refuses it at once.
  CHECK(TlsStream::first_record_missing("GET / HTTP/1.1\r\n") == 0);
  CHECK(TlsStream::first_record_missing("\x80\x2e\x01"s) == 0);               // SSLv2 hello
  CHECK(TlsStream::first_record_missing("\x16\x03\x01\xff\xff"s) == 0);       // 65,535 bytes
  CHECK(TlsStream::first_record_missing("\x16\x03\x01\x41\x00"s) == 0x4100);  // 16,640: allowed
}
