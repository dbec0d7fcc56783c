#include "dualhttpd/app/privileges.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "dualhttpd/app/user_lookup.hpp"
#include "dualhttpd/base/diagnostic.hpp"

namespace dualhttpd {

namespace {

// The groups this process has, which are what the kernel checks.
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
  if (me != 0) {
    out = RunAs{false, user_with_id(me).name, me, ::getegid(), own_groups()};
    if (!given || user_named(name, false).uid == me) return {};
    return format_diagnostic(
        {fmt::format("--user {}: switching to another user needs root, and this process runs "
                     "as {} (uid {})",
                     name, out.name, me),
         "",
         fmt::format("leave out --user (the server serves as {}), or start it as root", out.name)});
  }
  // With its groups, as setgroups() will need them.
  const auto entry = user_named(name, true);
  if (!entry.found)
    return format_diagnostic(
        {fmt::format("--user {}: {}", name,
                     entry.error ? ::strerrordesc_np(entry.error) : "no such user"),
         "started as root, dualhttpd serves as an unprivileged user once its listeners are open",
         "name an existing user (--user www-data), or create one: useradd --system "
         "--no-create-home --shell /usr/sbin/nologin " +
             name});
  if (entry.uid == 0)
    return format_diagnostic(
        {fmt::format("--user {}: serving as root is refused", name),
         "root reads every file whatever its mode, so a request could fetch what the docroot's "
         "permissions hide (with --root /, /etc/shadow)",
         fmt::format("name an unprivileged user (the default is {}), or leave out --user",
                     default_user)});
  out = RunAs{true, entry.name, entry.uid, entry.gid, entry.groups};
  return {};
}

Result<> drop_root(const RunAs& run_as) {
  if (!run_as.drop) return {};
  const auto failed = [](const std::string& what) {
    return Diagnostic{"cannot give up root: " + what};
  };
  const auto& groups = run_as.groups;
  if (::setgroups(groups.size(), groups.data()) != 0)
    return failed(fmt::format("setgroups for {}: {}", run_as.name, ::strerrordesc_np(errno)));
  if (::setgid(run_as.gid) != 0)
    return failed(fmt::format("setgid({}): {}", run_as.gid, ::strerrordesc_np(errno)));
  if (::setuid(run_as.uid) != 0)
    return failed(fmt::format("setuid({}): {}", run_as.uid, ::strerrordesc_np(errno)));
  if (::setuid(0) == 0) return failed("root could be taken back after setuid: refusing to serve");
  return {};
}

bool could_open_directory_as(const RunAs& run_as, const std::string& path) {
  const pid_t child = ::fork();
  if (child < 0) return false;
  if (child == 0) {
    const bool opened = drop_root(run_as).has_value() &&
                        ::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC) >= 0;
    ::_exit(opened ? 0 : 1);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0)
    if (errno != EINTR) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
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
  const auto owner = user_with_id(st.st_uid).name;
  return format_diagnostic(
      {fmt::format("{} may not open anything in the docroot {} (mode {:04o}, owner {}): every "
                   "request would be answered 403",
                   run_as.name, path, st.st_mode & 07777, owner),
       "",
       fmt::format("chmod o+rx {} (and o+r on its files){}", path,
                   st.st_uid == 0 ? "" : fmt::format(", or serve as its owner: --user {}", owner))},
      false);
}

}  // namespace dualhttpd
