#include "dualhttpd/access_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace dualhttpd {

namespace {

// As httpd: quotes and backslashes escaped, control and non-ASCII bytes as \xHH.
std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string quoted_or_dash(std::string_view s) {
  return s.empty() ? "-" : escape(s);
}

std::string log_time(std::time_t t) {
  std::tm tm{};
  ::localtime_r(&t, &tm);
  std::array<char, 40> buf{};
  const auto n = std::strftime(buf.data(), buf.size(), "%d/%b/%Y:%H:%M:%S %z", &tm);
  return std::string(buf.data(), n);
}

}  // namespace

std::string format_combined(const AccessRecord& r) {
  const auto bytes = r.body_bytes == 0 ? std::string("-") : std::to_string(r.body_bytes);
  return fmt::format("{} - - [{}] \"{}\" {} {} \"{}\" \"{}\"\n", r.client, log_time(r.when),
                     escape(r.request_line), r.status, bytes, quoted_or_dash(r.referer),
                     quoted_or_dash(r.user_agent));
}

AccessLog::AccessLog(std::string target) : target_(std::move(target)) {}

AccessLog::~AccessLog() {
  if (fd_ > STDERR_FILENO) ::close(fd_);
}

std::string AccessLog::reopen() {
  if (!enabled()) return {};
  int fd = STDOUT_FILENO;
  if (target_ != "-") {
    fd = ::open(target_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      return fmt::format("cannot open access log {}: {}", target_, ::strerrordesc_np(errno));
  }
  std::lock_guard lock(mutex_);
  if (fd_ > STDERR_FILENO) ::close(fd_);
  fd_ = fd;
  return {};
}

void AccessLog::write(const AccessRecord& record) {
  if (!enabled()) return;
  const auto line = format_combined(record);
  std::lock_guard lock(mutex_);
  if (fd_ < 0) return;
  // One write(2) per line, so lines from several threads never interleave.
  [[maybe_unused]] const auto n = ::write(fd_, line.data(), line.size());
}

}  // namespace dualhttpd
