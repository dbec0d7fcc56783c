// Started as root, dualhttpd binds its listeners, opens its logs and its docroot, then gives
// up root for an unprivileged user (--user, default nobody), as nginx and lighttpd do: with
// root's CAP_DAC_OVERRIDE every request could read what file modes forbid (--root / would
// serve /etc/shadow). Serving as root is refused.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "dualhttpd/base/diagnostic.hpp"

namespace dualhttpd {

struct RunAs {
  bool drop = false;  // started as root: give it up for the user below
  std::string name;   // the user served as
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // its supplementary groups (those it will have, or has)
};

constexpr const char* default_user = "nobody";

// What --user USER means for this process (`given`: named on the command line or in the
// configuration). Returns "" and fills `out`, or the problem with its fix.
std::string plan_run_as(const std::string& user, bool given, RunAs& out);

// Gives up root: the user's supplementary groups, its group, then its user ID, for good.
Result<> drop_root(const RunAs& run_as);

// Whether `run_as` could open the directory `path` itself (found out in a child process that
// becomes that user), so that no helper needs to keep root's rights to open it again.
bool could_open_directory_as(const RunAs& run_as, const std::string& path);

// "nobody (uid 65534, gid 65534)"
std::string describe_run_as(const RunAs& run_as);

// A warning when `run_as` could not search the directory behind `dir_fd` (so every request
// would be answered 403), else "".
std::string docroot_access_warning(const RunAs& run_as, int dir_fd, const std::string& path);

}  // namespace dualhttpd
