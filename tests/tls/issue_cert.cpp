// issue_cert DIR HOST [LITERAL...]: the local CA and a server certificate for LITERALs and
// HOST, written to DIR (ca.pem, ca.key, server.pem, server.key), for the tests that give them
// to real clients and servers (tests/tls/certs.sh).
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "dualhttpd/tls/local_ca.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: issue_cert DIR HOST [LITERAL...]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const auto ca = dualhttpd::make_local_ca(argv[2]);
  if (!ca) {
    std::fprintf(stderr, "%s", dualhttpd::format_diagnostic(ca.error()).c_str());
    return 1;
  }
  const auto server = dualhttpd::issue_server_certificate(
      *ca, std::vector<std::string>(argv + 3, argv + argc), {argv[2]});
  if (!server) {
    std::fprintf(stderr, "%s", dualhttpd::format_diagnostic(server.error()).c_str());
    return 1;
  }
  std::ofstream(dir + "/ca.pem") << ca->certificate;
  std::ofstream(dir + "/ca.key") << ca->key;
  std::ofstream(dir + "/server.pem") << server->certificate;
  std::ofstream(dir + "/server.key") << server->key;
  return 0;
}
