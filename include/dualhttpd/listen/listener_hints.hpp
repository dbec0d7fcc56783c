// What to tell the person who will test a listener from another host: the prefix it lives
// in, the exact curl line, what the client needs (an address in that prefix), and warnings
// for addresses that are link-local or from a range not meant for the purpose.
#pragma once

#include <string>
#include <vector>

#include "dualhttpd/address/machine_snapshot.hpp"
#include "dualhttpd/listen/listener_plan.hpp"

namespace dualhttpd {

struct Hint {
  bool warning = false;
  std::string text;
};

// `cacert`: for a TLS listener, the CA file its clients verify the certificate with, if
// known (--tls-self-signed); the curl line then carries --cacert.
std::vector<Hint> listener_hints(const Listener& listener, const MachineSnapshot& machine,
                                 const std::string& cacert = {});

// What kind of address this is, in a few words: "documentation prefix (RFC 3849) …".
std::string address_range_note(const IpAddress& address, bool& suspicious);

}  // namespace dualhttpd
