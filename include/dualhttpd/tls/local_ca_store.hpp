// --tls-self-signed: the local CA and the server certificate it signed, kept in a state
// directory (the package's /var/lib/dualhttpd, or one the operator names). The CA is made
// once and kept, so a client that trusts it keeps trusting the server; the server
// certificate is issued again when it no longer names every listener, or nears its end.
#pragma once

#include <string>
#include <vector>

#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/tls/server_context.hpp"

namespace dualhttpd {

struct LocalCertificate {
  TlsFiles files;                      // DIR/server.pem, DIR/server.key
  std::string ca_file;                 // DIR/ca.pem: what clients are given (curl --cacert)
  std::vector<std::string> dns_names;  // what it names besides the literals: server_dns_names
  bool made_ca = false;                // the CA is new: no client trusts it yet
  bool issued = false;                 // the server certificate is new
};

// The DNS names a server certificate for `ip_literals` holds: `host_name` (if any), and
// localhost when a literal is a loopback address, since on that machine a client may as well
// type https://localhost:8443/ (curl otherwise refuses: "no alternative certificate subject
// name matches target host name 'localhost'").
std::vector<std::string> server_dns_names(const std::vector<std::string>& ip_literals,
                                          const std::string& host_name);

// The files in `state_dir` (made, mode 0755, if missing), with a server certificate that
// names every one of `ip_literals` and server_dns_names. With `write` false nothing is made
// or written: made_ca and issued say what a start would do.
Result<LocalCertificate> local_certificate(const std::string& state_dir,
                                           const std::vector<std::string>& ip_literals,
                                           const std::string& host_name, bool write = true);

}  // namespace dualhttpd
