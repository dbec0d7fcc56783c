// Opens the planned listeners: every socket is created and bound first, and only when all
// of them bound does any of them listen. Failures come back explained, one per listener.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <vector>

#include "dualhttpd/address/machine_snapshot.hpp"
#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/listen/listener_plan.hpp"

namespace dualhttpd {

struct OpenListeners {
  std::vector<boost::asio::ip::tcp::acceptor> acceptors;  // same order as the listeners
  std::vector<bool> bound;  // per listener: did the trial bind succeed
  std::vector<Problem> problems;
};

// With `listen` false the sockets are only bound (the trial of --check) and then closed.
// `freebind` sets IP_FREEBIND / IPV6_FREEBIND: addresses not (yet) present bind too.
OpenListeners open_listeners(boost::asio::io_context& io, const std::vector<Listener>& listeners,
                             const MachineSnapshot& machine, bool listen, bool freebind = false);

boost::asio::ip::tcp::endpoint endpoint_of(const Listener& listener);

}  // namespace dualhttpd
