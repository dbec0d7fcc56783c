// Explains, in plain words, why the kernel refused to open a listener, using what the
// machine snapshot says about the address (absent, tentative, dadfailed, IPv6 disabled).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dualhttpd/address/machine_snapshot.hpp"
#include "dualhttpd/address/port_owner.hpp"
#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/listen/listener_plan.hpp"

namespace dualhttpd {

// `stage` is the call that failed: "socket", "setsockopt", "bind" or "listen".
Problem explain_bind_error(const Listener& listener, const std::string& stage, int error,
                           const MachineSnapshot& machine, const std::optional<PortOwner>& owner);

// The problems the same listener meets next, once the one found (`error`, the errno of the
// failed call, or 0 for a problem found before any bind) is fixed, foreseen from the machine:
// a privileged port without the capability, an address this machine does not hold. The
// kernel reports one at a time; a user fixing them one by one should not have to.
std::vector<Problem> foreseen_problems(const Listener& listener, int error,
                                       const MachineSnapshot& machine);

}  // namespace dualhttpd
