#include "dualhttpd/listen/open_listeners.hpp"

#include <sys/socket.h>

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/socket_base.hpp>

#include <netinet/in.h>

#include "dualhttpd/address/port_owner.hpp"
#include "dualhttpd/listen/bind_diagnosis.hpp"

namespace dualhttpd {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// The accept queue is all that holds a burst of connections while the workers are busy, and
// a connection that finds it full loses its SYN: its client waits a second to send it again.
// nginx and httpd ask for 511, from the days when the kernel allowed 128. SOMAXCONN (4096),
// as systemd's sockets have (Backlog=), and the kernel still caps it at net.core.somaxconn.
constexpr int listen_backlog = SOMAXCONN;

Problem explain(const Listener& l, const char* stage, const boost::system::error_code& ec,
                const MachineSnapshot& machine) {
  std::optional<PortOwner> owner;
  if (ec.value() == EADDRINUSE) owner = find_port_owner(l.spec.port);
  return explain_bind_error(l, stage, ec.value(), machine, owner);
}

// Creates and binds one socket; on failure returns the problem (its errno in `error`) and
// leaves `acceptor` closed.
std::optional<Problem> bind_one(tcp::acceptor& acceptor, const Listener& l,
                                const MachineSnapshot& machine, bool freebind, int& error) {
  const auto endpoint = endpoint_of(l);
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  error = ec.value();
  if (ec) return explain(l, "socket", ec, machine);
  // Explicit on every AF_INET6 socket: the system default (bindv6only) varies.
  if (l.spec.family() == Family::ipv6) acceptor.set_option(net::ip::v6_only(l.v6only), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec && freebind) {
    if (l.spec.family() == Family::ipv6)
      acceptor.set_option(net::detail::socket_option::boolean<IPPROTO_IPV6, IPV6_FREEBIND>(true),
                          ec);
    else
      acceptor.set_option(net::detail::socket_option::boolean<IPPROTO_IP, IP_FREEBIND>(true), ec);
  }
  error = ec.value();
  if (ec) return explain(l, "setsockopt", ec, machine);
  acceptor.bind(endpoint, ec);
  error = ec.value();
  if (ec) return explain(l, "bind", ec, machine);
  return std::nullopt;
}

}  // namespace

tcp::endpoint endpoint_of(const Listener& l) {
  const auto& bytes = l.spec.address.bytes;
  if (l.spec.family() == Family::ipv4) {
    net::ip::address_v4::bytes_type v4{bytes[0], bytes[1], bytes[2], bytes[3]};
    return {net::ip::address_v4(v4), l.spec.port};
  }
  net::ip::address_v6::bytes_type v6;
  std::copy(bytes.begin(), bytes.end(), v6.begin());
  return {net::ip::address_v6(v6, l.scope_id), l.spec.port};
}

OpenListeners open_listeners(net::io_context& io, const std::vector<Listener>& listeners,
                             const MachineSnapshot& machine, bool listen, bool freebind) {
  OpenListeners out;
  for (const auto& l : listeners) {
    out.acceptors.emplace_back(io);
    int error = 0;
    auto problem = bind_one(out.acceptors.back(), l, machine, freebind, error);
    out.bound.push_back(!problem);
    if (!problem) continue;
    out.problems.push_back(std::move(*problem));
    for (auto& next : foreseen_problems(l, error, machine)) out.problems.push_back(std::move(next));
  }
  for (std::size_t i = 0; listen && out.problems.empty() && i < listeners.size(); ++i) {
    boost::system::error_code ec;
    out.acceptors[i].listen(listen_backlog, ec);
    if (ec) out.problems.push_back(explain(listeners[i], "listen", ec, machine));
  }
  if (!out.problems.empty() || !listen) out.acceptors.clear();  // nothing listens unless all can
  return out;
}

}  // namespace dualhttpd
