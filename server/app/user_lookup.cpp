#include "dualhttpd/app/user_lookup.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>

namespace dualhttpd {

namespace {

constexpr std::size_t max_groups = 65536;  // the kernel's NGROUPS_MAX
constexpr std::size_t max_name = 4096;

// What the child writes: this, the name, then the groups.
struct Wire {
  std::int32_t found;
  std::int32_t error;
  std::uint32_t uid;
  std::uint32_t gid;
  std::uint32_t name_size;
  std::uint32_t group_count;
};

UserEntry from_passwd(const passwd* pw, int error) {
  UserEntry entry;
  entry.error = error;
  if (!pw) return entry;
  entry.found = true;
  entry.name = pw->pw_name;
  entry.uid = pw->pw_uid;
  entry.gid = pw->pw_gid;
  return entry;
}

std::vector<gid_t> groups_of(const std::string& name, gid_t gid) {
  int count = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  if (::getgrouplist(name.c_str(), gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count));
    if (::getgrouplist(name.c_str(), gid, groups.data(), &count) < 0) return {gid};
  }
  groups.resize(static_cast<std::size_t>(count));
  return groups;
}

bool write_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const auto n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool read_all(int fd, void* data, std::size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const auto n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

void send_entry(int fd, const UserEntry& entry) {
  const Wire wire{entry.found,
                  entry.error,
                  entry.uid,
                  entry.gid,
                  static_cast<std::uint32_t>(std::min(entry.name.size(), max_name)),
                  static_cast<std::uint32_t>(std::min(entry.groups.size(), max_groups))};
  if (write_all(fd, &wire, sizeof wire) && write_all(fd, entry.name.data(), wire.name_size))
    write_all(fd, entry.groups.data(), wire.group_count * sizeof(gid_t));
}

bool receive_entry(int fd, UserEntry& entry) {
  Wire wire{};
  if (!read_all(fd, &wire, sizeof wire) || wire.name_size > max_name ||
      wire.group_count > max_groups)
    return false;
  entry.found = wire.found != 0;
  entry.error = wire.error;
  entry.uid = wire.uid;
  entry.gid = wire.gid;
  entry.name.resize(wire.name_size);
  entry.groups.resize(wire.group_count);
  return read_all(fd, entry.name.data(), wire.name_size) &&
         read_all(fd, entry.groups.data(), wire.group_count * sizeof(gid_t));
}

// `look_up` in a child process; in this one if there can be no child.
UserEntry apart(const std::function<UserEntry()>& look_up) {
  int pipe[2];
  if (::pipe2(pipe, O_CLOEXEC) != 0) return look_up();
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(pipe[0]);
    ::close(pipe[1]);
    return look_up();
  }
  if (child == 0) {
    ::close(pipe[0]);
    send_entry(pipe[1], look_up());
    ::_exit(0);
  }
  ::close(pipe[1]);
  UserEntry entry;
  const bool received = receive_entry(pipe[0], entry);
  ::close(pipe[0]);
  while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
  }
  return received ? entry : look_up();
}

}  // namespace

UserEntry user_named(const std::string& name, bool with_groups) {
  return apart([&] {
    errno = 0;
    // In the child apart() forks, which has one thread.
    const passwd* pw = ::getpwnam(name.c_str());  // NOLINT(concurrency-mt-unsafe)
    auto entry = from_passwd(pw, pw ? 0 : errno);
    if (entry.found && with_groups) entry.groups = groups_of(entry.name, entry.gid);
    return entry;
  });
}

UserEntry user_with_id(uid_t uid) {
  auto entry = apart([uid] {
    errno = 0;
    const passwd* pw = ::getpwuid(uid);  // NOLINT(concurrency-mt-unsafe): in apart()'s child
    return from_passwd(pw, pw ? 0 : errno);
  });
  if (!entry.found) {
    entry.uid = uid;
    entry.name = std::to_string(uid);
  }
  return entry;
}

}  // namespace dualhttpd
