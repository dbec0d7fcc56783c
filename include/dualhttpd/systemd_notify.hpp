// Tells systemd how the service is doing (sd_notify(3): READY=1, STATUS=..., STOPPING=1) when
// systemd started it with a notification socket (Type=notify). libsystemd is loaded then, and
// only then: a server started by hand maps none of it (about 1.2 MiB of shared libraries).
#pragma once

#include <string>
#include <vector>

#include "dualhttpd/listener_plan.hpp"

namespace dualhttpd {

// Sends `state` ("READY=1\nSTATUS=...") to systemd; false when nobody asked (no
// NOTIFY_SOCKET) or it could not be sent (logged once).
bool notify_systemd(const std::string& state);

// "READY=1\nSTATUS=serving ROOT on LISTENERS": sent once every listener listens.
std::string ready_state(const std::string& root, const std::vector<Listener>& listeners);

}  // namespace dualhttpd
