// Who holds a TCP port: /proc/net/tcp{,6} gives the listening socket's inode, and
// /proc/PID/fd tells which process has it open (visible to root, or for our own user).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dualhttpd {

struct PortOwner {
  int pid = 0;
  std::string command;  // /proc/PID/comm
};

// Inodes of the sockets in LISTEN state on `port`, from the text of /proc/net/tcp or tcp6.
std::vector<std::uint64_t> listening_inodes(std::string_view proc_net_tcp, std::uint16_t port);

std::optional<PortOwner> find_port_owner(std::uint16_t port);

}  // namespace dualhttpd
