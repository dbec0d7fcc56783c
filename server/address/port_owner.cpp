#include "dualhttpd/address/port_owner.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "dualhttpd/base/file_text.hpp"

namespace dualhttpd {

namespace {

constexpr std::string_view tcp_listen_state = "0A";

std::string slurp(const std::filesystem::path& path) {
  return read_file_text(path.string()).value_or("");
}

std::optional<PortOwner> owner_of(const std::vector<std::uint64_t>& inodes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const auto& proc : fs::directory_iterator("/proc", ec)) {
    const auto name = proc.path().filename().string();
    if (!std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    for (const auto& fd : fs::directory_iterator(proc.path() / "fd", ec)) {
      const auto target = fs::read_symlink(fd.path(), ec).string();
      for (auto inode : inodes)
        if (target == "socket:[" + std::to_string(inode) + "]") {
          auto comm = slurp(proc.path() / "comm");
          if (!comm.empty() && comm.back() == '\n') comm.pop_back();
          return PortOwner{std::stoi(name), comm};
        }
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::uint64_t> listening_inodes(std::string_view proc_net_tcp, std::uint16_t port) {
  std::vector<std::uint64_t> out;
  std::istringstream in{std::string(proc_net_tcp)};
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
    std::uint64_t inode = 0;
    if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode))
      continue;
    const auto colon = local.rfind(':');
    if (colon == std::string::npos || state != tcp_listen_state) continue;
    if (std::stoul(local.substr(colon + 1), nullptr, 16) == port) out.push_back(inode);
  }
  return out;
}

std::optional<PortOwner> find_port_owner(std::uint16_t port) {
  auto inodes = listening_inodes(slurp("/proc/net/tcp6"), port);
  const auto v4 = listening_inodes(slurp("/proc/net/tcp"), port);
  inodes.insert(inodes.end(), v4.begin(), v4.end());
  if (inodes.empty()) return std::nullopt;
  return owner_of(inodes);
}

}  // namespace dualhttpd
