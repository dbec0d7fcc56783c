// Explains, in plain words, why the kernel refused to open a listener, using what the
// machine snapshot says about the address (absent, tentative, dadfailed, IPv6 disabled).
#pragma once

#include <optional>
#include <string>

#include "dualhttpd/interfaces.hpp"
#include "dualhttpd/listener_plan.hpp"
#include "dualhttpd/port_owner.hpp"
#include "dualhttpd/problem.hpp"

namespace dualhttpd {

// `stage` is the call that failed: "socket", "setsockopt", "bind" or "listen".
Problem explain_bind_error(const Listener& listener, const std::string& stage, int error,
                           const MachineSnapshot& machine, const std::optional<PortOwner>& owner);

// "EADDRINUSE: Address already in use"
std::string errno_text(int error);

}  // namespace dualhttpd
