#include "dualhttpd/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace dualhttpd {

namespace {

std::string name_of_uid(uid_t uid) {
  const passwd* pw = ::getpwuid(uid);
  return pw ? pw->pw_name : std::to_string(uid);
}

// The groups a user of that name would have: its own and its supplementary ones (from the
// name service: files, and systemd's or LDAP's module when configured).
std::vector<gid_t> groups_of(const RunAs& run_as) {
  int count = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  if (::getgrouplist(run_as.name.c_str(), run_as.gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count));
    if (::getgrouplist(run_as.name.c_str(), run_as.gid, groups.data(), &count) < 0)
      return {run_as.gid};
  }
  groups.resize(static_cast<std::size_t>(count));
  return groups;
}

// The groups this process has, which are what the kernel checks. No name service is asked:
// its modules (libnss_systemd and what it loads, 0.5 MiB) would stay in the server for good.
std::vector<gid_t> own_groups() {
  std::vector<gid_t> groups(static_cast<std::size_t>(std::max(::getgroups(0, nullptr), 0)));
  groups.resize(static_cast<std::size_t>(
      std::max(::getgroups(static_cast<int>(groups.size()), groups.data()), 0)));
  groups.push_back(::getegid());
  return groups;
}

}  // namespace

std::string plan_run_as(const std::string& user, bool given, RunAs& out) {
  const std::string name = user.empty() ? default_user : user;
  const uid_t me = ::geteuid();
  errno = 0;
  const passwd* pw = ::getpwnam(name.c_str());
  if (me != 0) {
    out = RunAs{false, name_of_uid(me), me, ::getegid(), own_groups()};
    if (!given || (pw && pw->pw_uid == me)) return {};
    return fmt::format(
        "--user {}: switching to another user needs root, and this process runs as {} (uid "
        "{})\n  fix:   leave out --user (the server serves as {}), or start it as root\n",
        name, out.name, me, out.name);
  }
  if (!pw)
    return fmt::format(
        "--user {}: {}\n  cause: started as root, dualhttpd serves as an unprivileged user once "
        "its listeners are open\n  fix:   name an existing user (--user www-data), or create one: "
        "useradd --system --no-create-home --shell /usr/sbin/nologin {}\n",
        name, errno ? ::strerrordesc_np(errno) : "no such user", name);
  if (pw->pw_uid == 0)
    return fmt::format(
        "--user {}: serving as root is refused\n  cause: root reads every file whatever its "
        "mode, so a request could fetch what the docroot's permissions hide (with --root /, "
        "/etc/shadow)\n  fix:   name an unprivileged user (the default is {}), or leave out "
        "--user\n",
        name, default_user);
  out = RunAs{true, pw->pw_name, pw->pw_uid, pw->pw_gid, {}};
  out.groups = groups_of(out);
  return {};
}

std::string drop_root(const RunAs& run_as) {
  if (!run_as.drop) return {};
  const auto& groups = run_as.groups;
  if (::setgroups(groups.size(), groups.data()) != 0)
    return fmt::format("setgroups for {}: {}", run_as.name, ::strerrordesc_np(errno));
  if (::setgid(run_as.gid) != 0)
    return fmt::format("setgid({}): {}", run_as.gid, ::strerrordesc_np(errno));
  if (::setuid(run_as.uid) != 0)
    return fmt::format("setuid({}): {}", run_as.uid, ::strerrordesc_np(errno));
  if (::setuid(0) == 0) return "root could be taken back after setuid: refusing to serve";
  return {};
}

std::string describe_run_as(const RunAs& run_as) {
  return fmt::format("{} (uid {}, gid {})", run_as.name, run_as.uid, run_as.gid);
}

std::string docroot_access_warning(const RunAs& run_as, int dir_fd, const std::string& path) {
  struct stat st {};
  if (run_as.uid == 0 || ::fstat(dir_fd, &st) != 0) return {};
  mode_t bit = S_IXOTH;
  if (st.st_uid == run_as.uid) {
    bit = S_IXUSR;
  } else {
    for (const gid_t g : run_as.groups)
      if (g == st.st_gid) bit = S_IXGRP;
  }
  if (st.st_mode & bit) return {};
  const auto owner = name_of_uid(st.st_uid);
  return fmt::format(
      "{} may not open anything in the docroot {} (mode {:04o}, owner {}): every request "
      "would be answered 403\n  fix:   chmod o+rx {} (and o+r on its files){}",
      run_as.name, path, st.st_mode & 07777, owner, path,
      st.st_uid == 0 ? "" : fmt::format(", or serve as its owner: --user {}", owner));
}

}  // namespace dualhttpd
