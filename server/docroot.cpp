#include "dualhttpd/docroot.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>

#include "dualhttpd/unique_fd.hpp"

namespace dualhttpd {

namespace {

int openat2_beneath(int dirfd, const std::string& relative, std::uint64_t flags) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const char* path = relative.empty() ? "." : relative.c_str();
  const long fd = ::syscall(SYS_openat2, dirfd, path, &how, sizeof how);
  return fd < 0 ? -errno : static_cast<int>(fd);
}

}  // namespace

int open_beneath(int dirfd, const std::string& relative) {
  return openat2_beneath(dirfd, relative, O_RDONLY | O_NOCTTY | O_NONBLOCK);
}

std::vector<DirectoryEntry> list_beneath(int dirfd, const std::string& relative, int& error) {
  std::vector<DirectoryEntry> entries;
  error = 0;
  const int fd = open_beneath(dirfd, relative);
  if (fd < 0) {
    error = fd;
    return entries;
  }
  const std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(fd), ::closedir);
  if (!dir) {
    error = -errno;
    ::close(fd);
    return entries;
  }
  const auto prefix = relative.empty() ? std::string() : relative + "/";
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string name = entry->d_name;
    if (name.front() == '.') continue;  // hidden, as most of them are refused when asked for
    // O_PATH: only to learn where the name leads; nothing (a FIFO, a device) is opened.
    const UniqueFd target(openat2_beneath(dirfd, prefix + name, O_PATH));
    struct stat st {};
    if (!target || ::fstat(target.get(), &st) != 0) continue;
    if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) entries.push_back({name, S_ISDIR(st.st_mode)});
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return entries;
}

}  // namespace dualhttpd
