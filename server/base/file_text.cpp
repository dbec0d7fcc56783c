#include "dualhttpd/base/file_text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "dualhttpd/base/unique_fd.hpp"

namespace dualhttpd {

namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

std::nullopt_t fail(std::string* why, std::string text) {
  if (why) *why = std::move(text);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> read_file_text(const std::string& path, std::string* why,
                                          std::size_t limit) {
  // Non-blocking: opening a FIFO for reading would otherwise wait for a writer.
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd) return fail(why, ::strerrordesc_np(errno));
  return read_fd_text(fd.get(), why, limit);
}

std::optional<std::string> read_fd_text(int fd, std::string* why, std::size_t limit) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(why, ::strerrordesc_np(errno));
  if (!S_ISREG(st.st_mode))
    return fail(why, fmt::format("it is {}, not a regular file", kind_of(st.st_mode)));
  std::string text;
  // /proc and /sys report sizes of 0 or 4096 whatever they hold: read until the end.
  std::size_t done = 0;
  for (;;) {
    text.resize(std::min(limit + 1, std::max<std::size_t>(done * 2, 4096)));
    const auto n = ::read(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(why, ::strerrordesc_np(errno));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
    if (done > limit)
      return fail(why,
                  fmt::format("it holds more than {} bytes: not the text file meant here?", limit));
  }
  text.resize(done);
  return text;
}

}  // namespace dualhttpd
