// TLS for the listeners that speak it ("[::1]:8443 https"): the certificate and key given
// (--tls-cert, --tls-key) or made here (--tls-self-signed), loaded and checked before
// anything listens, and what to tell the operator about them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dualhttpd/address/machine_snapshot.hpp"
#include "dualhttpd/app/options.hpp"
#include "dualhttpd/listen/listener_plan.hpp"
#include "dualhttpd/runtime/tls_stream.hpp"
#include "dualhttpd/tls/server_context.hpp"

namespace dualhttpd {

struct TlsSetup {
  std::optional<TlsServerContext> context;   // shared by every TLS listener
  std::unique_ptr<TlsSlot> slot;             // the context the workers take, for reloads
  std::vector<const TlsSlot*> per_listener;  // in the listeners' order; null for plain HTTP
  // --redirect-to-https: per listener, the TLS port its clients are sent to (0: none)
  std::vector<std::uint16_t> https_port;
  std::string ca_file;                // --tls-self-signed: the CA clients verify with
  std::vector<std::string> notes;     // what was made, how to trust it
  std::vector<std::string> warnings;  // the certificate will fail some clients
  std::vector<std::string> errors;    // formatted diagnostics: the server cannot start
};

// `write` false (--check): the state directory is read, nothing is made in it.
TlsSetup prepare_tls(const Options& options, const std::vector<Listener>& listeners,
                     const MachineSnapshot& machine, bool write);

// SIGHUP: the certificate and key read again (through the file opener, which kept root for
// them) and, when they pass every check, used for the connections accepted from now on;
// otherwise the ones in use stay, and the log says why.
void reload_tls(TlsSetup& tls, const std::vector<Listener>& listeners);

}  // namespace dualhttpd
