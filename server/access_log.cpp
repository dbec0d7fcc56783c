#include "dualhttpd/access_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iterator>

#include <fmt/format.h>

#include "dualhttpd/file_opener.hpp"

namespace dualhttpd {

namespace {

// As httpd: quotes and backslashes escaped, control and non-ASCII bytes as \xHH.
void append_escaped(std::string& out, std::string_view s) {
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
}

void append_quoted_or_dash(std::string& out, std::string_view s) {
  out += '"';
  if (s.empty())
    out += '-';
  else
    append_escaped(out, s);
  out += '"';
}

// "25/Nov/2026:13:56:39 +0000", formatted once a second per thread.
std::string_view log_time(std::time_t t) {
  thread_local std::time_t cached_at = -1;
  thread_local std::array<char, 40> text{};
  thread_local std::size_t length = 0;
  if (t != cached_at) {
    std::tm tm{};
    ::localtime_r(&t, &tm);
    length = std::strftime(text.data(), text.size(), "%d/%b/%Y:%H:%M:%S %z", &tm);
    cached_at = t;
  }
  return {text.data(), length};
}

constexpr std::chrono::seconds flush_interval{1};

}  // namespace

void append_combined(std::string& out, const AccessRecord& r) {
  fmt::format_to(std::back_inserter(out), "{} - - [{}] \"", r.client, log_time(r.when));
  append_escaped(out, r.request_line);
  if (r.body_bytes == 0)
    fmt::format_to(std::back_inserter(out), "\" {} - ", r.status);
  else
    fmt::format_to(std::back_inserter(out), "\" {} {} ", r.status, r.body_bytes);
  append_quoted_or_dash(out, r.referer);
  out += ' ';
  append_quoted_or_dash(out, r.user_agent);
  out += '\n';
}

std::string format_combined(const AccessRecord& r) {
  std::string out;
  append_combined(out, r);
  return out;
}

std::atomic<std::uint64_t> next_log_id{1};

AccessLog::AccessLog(std::string target) : target_(std::move(target)), id_(next_log_id++) {
  if (enabled()) flusher_ = std::thread([this] { flush_every_second(); });
}

AccessLog::~AccessLog() {
  if (flusher_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    flusher_.join();
  }
  flush();
  if (fd_ > STDERR_FILENO) ::close(fd_);
}

std::string AccessLog::reopen() {
  if (!enabled()) return {};
  int fd = STDOUT_FILENO;
  if (target_ != "-") {
    fd = file_opener().open(target_, FileOpener::Kind::append);
    if (fd < 0)
      return fmt::format("cannot open access log {}: {}", target_, ::strerrordesc_np(-fd));
  }
  flush();
  std::lock_guard lock(mutex_);
  if (fd_ > STDERR_FILENO) ::close(fd_);
  fd_ = fd;
  return {};
}

AccessLog::Buffer& AccessLog::buffer_of_this_thread() {
  thread_local std::uint64_t owner = 0;
  thread_local std::shared_ptr<Buffer> mine;
  if (owner != id_) {
    mine = std::make_shared<Buffer>();
    mine->text.reserve(batch_bytes + 1024);
    std::lock_guard lock(mutex_);
    buffers_.push_back(mine);
    owner = id_;
  }
  return *mine;
}

void AccessLog::write(const AccessRecord& record) {
  if (!enabled()) return;
  auto& buffer = buffer_of_this_thread();
  std::lock_guard lock(buffer.mutex);  // taken by the flusher once a second, else free
  append_combined(buffer.text, record);
  if (buffer.text.size() >= batch_bytes) write_out(buffer.text);
}

void AccessLog::write_out(std::string& text) {
  if (text.empty()) return;
  {
    std::lock_guard lock(mutex_);
    if (fd_ >= 0) {
      // A full disk loses these lines; the server goes on serving.
      const auto written = ::write(fd_, text.data(), text.size());
      static_cast<void>(written);
    }
  }
  text.clear();
}

void AccessLog::flush() {
  std::vector<std::shared_ptr<Buffer>> buffers;
  {
    std::lock_guard lock(mutex_);
    buffers = buffers_;
  }
  for (const auto& b : buffers) {
    std::lock_guard lock(b->mutex);
    write_out(b->text);
  }
}

void AccessLog::flush_every_second() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, flush_interval, [this] { return stop_; });
    lock.unlock();
    flush();
    lock.lock();
  }
}

}  // namespace dualhttpd
