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
  TlsFiles files;        // DIR/server.pem, DIR/server.key
  std::string ca_file;   // DIR/ca.pem: what clients are given (curl --cacert)
  bool made_ca = false;  // the CA is new: no client trusts it yet
  bool issued = false;   // the server certificate is new
};

// The files in `state_dir` (made, mode 0755, if missing), with a server certificate that
// names every one of `ip_literals` and `host_name`. With `write` false nothing is made or
// written: made_ca and issued say what a start would do.
Result<LocalCertificate> local_certificate(const std::string& state_dir,
                                           const std::vector<std::string>& ip_literals,
                                           const std::string& host_name, bool write = true);

}  // namespace dualhttpd
