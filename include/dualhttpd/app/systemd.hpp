// systemd's side of the service, through libsystemd: how the service is doing (sd_notify(3):
// READY=1, STATUS=..., STOPPING=1) and the sockets systemd opened for it (sd_listen_fds(3)).
// libsystemd is loaded only when systemd asks for either (NOTIFY_SOCKET, LISTEN_FDS): a server
// started by hand maps none of it (about 1.2 MiB of shared libraries).
#pragma once

#include <string>
#include <vector>

#include "dualhttpd/listen/listener_plan.hpp"

namespace dualhttpd {

// Sends `state` ("READY=1\nSTATUS=...") to systemd; false when nobody asked (no
// NOTIFY_SOCKET) or it could not be sent (logged once).
bool notify_systemd(const std::string& state);

// How many sockets systemd passed (from descriptor 3 on); 0 when it passed none. `names`
// gets each one's FileDescriptorName= (LISTEN_FDNAMES; empty when systemd gave none).
int systemd_listen_fds(std::vector<std::string>* names = nullptr);

// "READY=1\nSTATUS=serving ROOT on LISTENERS": sent once every listener listens.
std::string ready_state(const std::string& root, const std::vector<Listener>& listeners);

}  // namespace dualhttpd
