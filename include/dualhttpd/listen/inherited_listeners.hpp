// Listening sockets passed by systemd (socket activation, dualhttpd.socket): taken as they are
// and described like dualhttpd's own (address, interface, v6only). Only listening TCP sockets
// of IPv4 or IPv6 can be served; anything else among them is refused, with what to write in
// the .socket unit instead.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>
#include <vector>

#include "dualhttpd/address/machine_snapshot.hpp"
#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/listen/listener_plan.hpp"

namespace dualhttpd {

struct InheritedListeners {
  std::vector<Listener> listeners;
  std::vector<boost::asio::ip::tcp::acceptor> acceptors;  // same order as the listeners
  std::vector<Problem> problems;                          // then nothing is served
};

// The `count` descriptors from 3 on (sd_listen_fds(3)). A socket named "https" (its unit's
// FileDescriptorName=https) speaks TLS.
InheritedListeners take_inherited_listeners(boost::asio::io_context& io, int count,
                                            const MachineSnapshot& machine,
                                            const std::vector<std::string>& names = {});

}  // namespace dualhttpd
