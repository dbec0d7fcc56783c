#include "dualhttpd/base/file_opener.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace dualhttpd {

namespace {

constexpr int helper_socket = 3;  // in the helper, after everything else is closed

struct Answer {
  int error = 0;  // 0: the descriptor comes with it
};

bool send_answer(int socket, int error, int fd) {
  Answer answer{error};
  iovec iov{&answer, sizeof answer};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> control{};
  if (fd >= 0) {
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  return ::sendmsg(socket, &msg, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof answer);
}

// Returns the descriptor, or -errno.
int receive_answer(int socket) {
  Answer answer;
  iovec iov{&answer, sizeof answer};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> control{};
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  ssize_t n = 0;
  do {
    n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return n < 0 ? -errno : -EPIPE;  // the helper has gone
  int fd = -1;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
  if (answer.error != 0) {
    if (fd >= 0) ::close(fd);
    return -answer.error;
  }
  return fd >= 0 ? fd : -EPROTO;
}

// The helper's whole life: one byte in (which allowed path), one answer out, until the
// server closes its end or dies.
[[noreturn]] void helper_main(const std::vector<std::pair<std::string, FileOpener::Kind>>& paths) {
  for (;;) {
    unsigned char index = 0;
    const auto n = ::recv(helper_socket, &index, 1, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ::_exit(0);
    if (index >= paths.size()) {
      send_answer(helper_socket, EINVAL, -1);
      continue;
    }
    const int fd = open_as(paths[index].first, paths[index].second);
    send_answer(helper_socket, fd < 0 ? -fd : 0, fd);
    if (fd >= 0) ::close(fd);
  }
}

}  // namespace

int open_as(const std::string& path, FileOpener::Kind kind) {
  int fd = -1;
  if (kind == FileOpener::Kind::append)
    fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
  else if (kind == FileOpener::Kind::read)  // non-blocking: a FIFO would wait for a writer
    fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  else
    fd = ::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

void FileOpener::allow(const std::string& path, Kind kind) {
  std::lock_guard lock(mutex_);
  allowed_.push_back({path, kind});
}

Result<> FileOpener::start_helper() {
  std::lock_guard lock(mutex_);
  if (allowed_.empty() || helper_) return {};
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
    return Diagnostic{std::string("socketpair: ") + ::strerrordesc_np(errno)};
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) {
    const int error = errno;
    ::close(pair[0]);
    ::close(pair[1]);
    return Diagnostic{std::string("fork: ") + ::strerrordesc_np(error)};
  }
  if (child == 0) {
    // The helper: dies with the server, holds nothing but its socket.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(0);
    ::prctl(PR_SET_NAME, "dualhttpd-open");
    std::signal(SIGINT, SIG_IGN);  // Ctrl-C stops the server; its end of the socket, this
    std::signal(SIGHUP, SIG_IGN);
    const int null = ::open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= 2; ++fd) ::dup2(null, fd);
    ::dup2(pair[1], helper_socket);  // without O_CLOEXEC, which does not matter: no exec
    ::close_range(helper_socket + 1, ~0U, 0);
    std::vector<std::pair<std::string, Kind>> paths;
    for (const auto& a : allowed_) paths.emplace_back(a.path, a.kind);
    helper_main(paths);
  }
  ::close(pair[1]);
  helper_.reset(pair[0]);
  helper_pid_ = child;
  return {};
}

void FileOpener::stop_helper() {
  std::lock_guard lock(mutex_);
  helper_.reset();
  if (helper_pid_ > 0) {
    while (::waitpid(helper_pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    helper_pid_ = -1;
  }
}

int FileOpener::open(const std::string& path, Kind kind) {
  std::lock_guard lock(mutex_);
  if (!helper_) return open_as(path, kind);
  for (std::size_t i = 0; i < allowed_.size() && i < 256; ++i) {
    if (allowed_[i].path != path || allowed_[i].kind != kind) continue;
    const auto index = static_cast<unsigned char>(i);
    if (::send(helper_.get(), &index, 1, MSG_NOSIGNAL) != 1) return -errno;
    return receive_answer(helper_.get());
  }
  return open_as(path, kind);  // not the helper's to open: this process may
}

FileOpener& file_opener() {
  static FileOpener opener;
  return opener;
}

}  // namespace dualhttpd
