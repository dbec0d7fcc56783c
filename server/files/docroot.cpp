#include "dualhttpd/files/docroot.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>

namespace dualhttpd {

namespace {

constexpr std::uint64_t read_flags = O_RDONLY | O_NOCTTY | O_NONBLOCK;

int openat2_with(int dirfd, const std::string& relative, std::uint64_t flags,
                 std::uint64_t resolve) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.resolve = resolve;
  const char* path = relative.empty() ? "." : relative.c_str();
  long fd = 0;
  for (int tries = 0; tries < 8; ++tries) {  // EAGAIN: a rename elsewhere raced the lookup
    fd = ::syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    if (fd >= 0 || errno != EAGAIN) break;
  }
  return fd < 0 ? -errno : static_cast<int>(fd);
}

std::string proc_fd_path(int fd) {
  return "/proc/self/fd/" + std::to_string(fd);
}

// Where the descriptor's file is, as the kernel names it now.
std::optional<std::string> path_of(int fd) {
  std::array<char, 4096> buffer{};
  const auto n = ::readlink(proc_fd_path(fd).c_str(), buffer.data(), buffer.size());
  if (n <= 0 || static_cast<std::size_t>(n) >= buffer.size()) return std::nullopt;
  return std::string(buffer.data(), static_cast<std::size_t>(n));
}

bool inside(const std::string& path, const std::string& root) {
  if (root == "/") return true;
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          path[root.size()] == '/');
}

// A name RESOLVE_BENEATH refused (EXDEV): resolved without it, as O_PATH (nothing is opened
// for reading, whatever it is), kept only if it lands inside the docroot's real path, then
// opened through the descriptor.
int open_followed(const DocrootDir& root, const std::string& relative, std::uint64_t flags) {
  if (root.real_path.empty()) return -EXDEV;
  const int located = openat2_with(root.fd.get(), relative, O_PATH, RESOLVE_NO_MAGICLINKS);
  if (located < 0) return located;
  UniqueFd path_fd(located);
  const auto where = path_of(path_fd.get());
  if (!where || !inside(*where, root.real_path)) return -EXDEV;
  if (flags & O_PATH) return path_fd.release();
  const int fd = ::open(proc_fd_path(path_fd.get()).c_str(), static_cast<int>(flags | O_CLOEXEC));
  return fd < 0 ? -errno : fd;
}

int open_with(const DocrootDir& root, const std::string& relative, std::uint64_t flags) {
  const int fd =
      openat2_with(root.fd.get(), relative, flags, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
  return fd == -EXDEV ? open_followed(root, relative, flags) : fd;
}

}  // namespace

bool describe_docroot(UniqueFd fd, DocrootDir& out) {
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  out.device = st.st_dev;
  out.inode = st.st_ino;
  out.real_path = path_of(fd.get()).value_or("");
  out.fd = std::move(fd);
  return true;
}

int open_beneath(const DocrootDir& root, const std::string& relative) {
  return open_with(root, relative, read_flags);
}

std::vector<DirectoryEntry> list_beneath(const DocrootDir& root, const std::string& relative,
                                         int& error) {
  std::vector<DirectoryEntry> entries;
  error = 0;
  const int fd = open_beneath(root, relative);
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
  // readdir(3) is safe on a stream no other thread reads (glibc; readdir_r is deprecated).
  while (const dirent* entry = ::readdir(dir.get())) {  // NOLINT(concurrency-mt-unsafe)
    const std::string name = entry->d_name;
    if (name.front() == '.') continue;  // hidden, as most of them are refused when asked for
    // O_PATH: only to learn where the name leads; nothing (a FIFO, a device) is opened.
    const UniqueFd target(open_with(root, prefix + name, O_PATH));
    struct stat st {};
    if (!target || ::fstat(target.get(), &st) != 0) continue;
    if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) entries.push_back({name, S_ISDIR(st.st_mode)});
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return entries;
}

}  // namespace dualhttpd
