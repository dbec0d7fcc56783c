// Users and their groups from the name service (getpwnam, getpwuid, getgrouplist), asked in a
// child process that exits afterwards. Asked in the server itself, the name service loads its
// modules (libnss_systemd, and the libm it needs: 0.5 MiB) and they stay for good, with any
// socket they opened; a server asks only at start-up, so a fork then costs nothing that matters.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace dualhttpd {

struct UserEntry {
  bool found = false;
  int error = 0;  // errno of the lookup when not found (0: there is no such user)
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // its own group and its supplementary ones, when asked for
};

// The user named `name`, with its groups when `with_groups`.
UserEntry user_named(const std::string& name, bool with_groups);

// The user with ID `uid` (its name, or the number as text when it has none).
UserEntry user_with_id(uid_t uid);

}  // namespace dualhttpd
