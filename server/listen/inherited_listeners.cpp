#include "dualhttpd/listen/inherited_listeners.hpp"

#include "dualhttpd/base/escaping.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include <fmt/format.h>

namespace dualhttpd {

namespace {

using boost::asio::ip::tcp;

int socket_option(int fd, int level, int name) {
  int value = 0;
  socklen_t size = sizeof value;
  return ::getsockopt(fd, level, name, &value, &size) == 0 ? value : -1;
}

std::string_view domain_name(int domain) {
  switch (domain) {
    case AF_INET:
      return "IPv4";
    case AF_INET6:
      return "IPv6";
    case AF_UNIX:
      return "Unix";
    case AF_NETLINK:
      return "netlink";
    default:
      return "non-IP";
  }
}

std::string_view type_name(int type) {
  switch (type) {
    case SOCK_STREAM:
      return "stream";
    case SOCK_DGRAM:
      return "datagram";
    case SOCK_SEQPACKET:
      return "seqpacket";
    default:
      return "raw";
  }
}

// What keeps descriptor `fd` (of address family `domain`) from being served, or "".
std::string refusal(int fd, int domain) {
  const int type = socket_option(fd, SOL_SOCKET, SO_TYPE);
  if (domain < 0) return "it is not a socket";
  if ((domain != AF_INET && domain != AF_INET6) || type != SOCK_STREAM)
    return fmt::format("it is a {} {} socket, and dualhttpd serves TCP over IPv4 and IPv6 only",
                       domain_name(domain), type_name(type));
  if (socket_option(fd, SOL_SOCKET, SO_ACCEPTCONN) != 1)
    return "the TCP socket does not listen (Accept=yes passes connections, not listeners)";
  return {};
}

// The listener an inherited socket stands for, planned like a --listen spec of the same text.
Listener describe(tcp::acceptor& acceptor, const MachineSnapshot& machine) {
  const auto endpoint = acceptor.local_endpoint();
  const auto address = endpoint.address();
  const auto text = fmt::format("{}:{}", url_host(address.to_string()), endpoint.port());
  Listener listener;
  if (const auto parsed = parse_listen_spec(text); parsed.ok()) {
    const auto plan = plan_listeners(parsed.specs, machine, false);
    if (!plan.listeners.empty()) listener = plan.listeners.front();
    listener.spec = parsed.specs.front();
  }
  if (listener.ifname.empty()) listener.ifname = "none";
  if (address.is_v6()) {
    listener.v6only = socket_option(acceptor.native_handle(), IPPROTO_IPV6, IPV6_V6ONLY) == 1;
    listener.scope_id = address.to_v6().scope_id();
  }
  return listener;
}

}  // namespace

InheritedListeners take_inherited_listeners(boost::asio::io_context& io, int count,
                                            const MachineSnapshot& machine,
                                            const std::vector<std::string>& names) {
  InheritedListeners out;
  for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + count; ++fd) {
    const int domain = socket_option(fd, SOL_SOCKET, SO_DOMAIN);
    if (auto why = refusal(fd, domain); !why.empty()) {
      out.problems.push_back(Problem{
          fmt::format("the socket systemd passed as descriptor {}", fd), why,
          "pass TCP sockets only: ListenStream=[ADDRESS]:PORT lines in dualhttpd.socket, with "
          "Accept=no",
          ProblemKind::config});
      continue;
    }
    auto& acceptor = out.acceptors.emplace_back(io);
    acceptor.assign(domain == AF_INET6 ? tcp::v6() : tcp::v4(), fd);
    out.listeners.push_back(describe(acceptor, machine));
    const auto index = static_cast<std::size_t>(fd - SD_LISTEN_FDS_START);
    out.listeners.back().spec.tls = index < names.size() && names[index] == "https";
  }
  if (!out.problems.empty()) out.acceptors.clear();
  return out;
}

}  // namespace dualhttpd
