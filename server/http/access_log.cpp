#include "dualhttpd/http/access_log.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iterator>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dualhttpd/base/file_opener.hpp"

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

constexpr std::chrono::seconds flush_interval{1};
constexpr std::chrono::seconds report_interval{10};

}  // namespace

std::string log_time_text(std::time_t t) {
  std::tm tm{};
  ::localtime_r(&t, &tm);
  std::array<char, 40> text{};
  return {text.data(), std::strftime(text.data(), text.size(), "%d/%b/%Y:%H:%M:%S %z", &tm)};
}

void append_combined(std::string& out, const AccessRecord& r, std::string_view time) {
  fmt::format_to(std::back_inserter(out), "{} - - [{}] \"", r.client, time);
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
  append_combined(out, r, log_time_text(r.when));
  return out;
}

AccessLog::AccessLog(std::string target) : target_(std::move(target)) {
  if (enabled()) writer_ = std::thread([this] { writer_loop(); });
}

AccessLog::~AccessLog() {
  if (writer_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    writer_.join();
  }
  for (const int fd : {output_.fd, next_output_.fd})
    if (fd >= 0) ::close(fd);
}

Result<> AccessLog::reopen() {
  if (!enabled()) return {};
  if (target_ == "-") {  // standard output stays what it is
    std::lock_guard lock(output_mutex_);
    if (output_.fd >= 0) return {};
  }
  const int fd = target_ == "-" ? ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)
                                : file_opener().open(target_, FileOpener::Kind::append);
  if (fd < 0)
    return Diagnostic{fmt::format("cannot open access log {}: {}", target_,
                                  ::strerrordesc_np(target_ == "-" ? errno : -fd))};
  Output out{fd};
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)) {
    out.socket = out.nonblocking = true;
  } else if (S_ISFIFO(st.st_mode)) {
    // A pipe: an open file description of our own, non-blocking, so that its other users
    // (a shell sharing standard output) keep theirs as it was.
    const auto path = "/proc/self/fd/" + std::to_string(fd);
    if (const int own = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC); own >= 0) {
      ::close(fd);
      out.fd = own;
      out.nonblocking = true;
    }
  }
  {
    std::lock_guard lock(output_mutex_);
    if (output_.fd < 0) {
      output_ = out;
      return {};
    }
    // The writer switches once what was logged until now is out, to the old file.
    if (next_output_.fd >= 0) ::close(next_output_.fd);
    next_output_ = out;
  }
  wake_writer();
  return {};
}

void AccessLog::switch_output() {
  std::lock_guard lock(output_mutex_);
  if (next_output_.fd < 0) return;
  ::close(output_.fd);
  output_ = std::exchange(next_output_, Output{});
}

AccessLog::Writer AccessLog::writer() {
  Writer writer;
  if (!enabled()) return writer;
  writer.log_ = this;
  writer.buffer_ = std::make_shared<Buffer>();
  writer.buffer_->text.reserve(batch_bytes + 1024);
  std::lock_guard lock(mutex_);
  buffers_.push_back(writer.buffer_);
  return writer;
}

void AccessLog::Writer::write(const AccessRecord& record) {
  if (!buffer_) return;
  auto& buffer = *buffer_;
  std::unique_lock lock(buffer.mutex);
  if (buffer.text.size() >= max_buffered) {
    log_->dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const auto before = buffer.text.size();
  append_combined(buffer.text, record, buffer.time.text(record.when));
  if (before < batch_bytes && buffer.text.size() >= batch_bytes) {
    lock.unlock();
    log_->wake_writer();
  }
}

void AccessLog::wake_writer() {
  {
    std::lock_guard lock(mutex_);
    wake_requested_ = true;
  }
  wake_.notify_one();
}

// Moves what the workers buffered to pending_, as much as it may hold.
void AccessLog::collect() {
  std::vector<std::shared_ptr<Buffer>> buffers;
  {
    std::lock_guard lock(mutex_);
    buffers = buffers_;
  }
  if (pending_from_ > 0) {
    pending_.erase(0, pending_from_);
    pending_from_ = 0;
  }
  std::string taken;
  for (const auto& b : buffers) {
    {
      std::lock_guard lock(b->mutex);
      taken.swap(b->text);
      b->text.reserve(batch_bytes + 1024);
    }
    if (pending_.size() + taken.size() <= max_pending)
      pending_ += taken;
    else
      drop(taken);
    taken.clear();
  }
}

void AccessLog::drop(std::string_view text) {
  dropped_.fetch_add(static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n')),
                     std::memory_order_relaxed);
}

// Writes pending_ until it is empty or `deadline` passes (a reader that does not read).
void AccessLog::write_pending(std::chrono::steady_clock::time_point deadline) {
  while (pending_from_ < pending_.size()) {
    std::unique_lock lock(output_mutex_);
    const Output out = output_;
    if (out.fd < 0) return drop(std::string_view(pending_).substr(pending_from_));
    const char* data = pending_.data() + pending_from_;
    const auto size = pending_.size() - pending_from_;
    const auto n = out.socket ? ::send(out.fd, data, size, MSG_DONTWAIT | MSG_NOSIGNAL)
                              : ::write(out.fd, data, size);
    lock.unlock();
    if (n > 0) {
      pending_from_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return;
      pollfd p{out.fd, POLLOUT, 0};
      ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1000)));
      continue;
    }
    // The reader has gone (EPIPE), or the disk is full: these lines are lost; serving goes on.
    drop(std::string_view(pending_).substr(pending_from_));
    pending_from_ = pending_.size();
  }
  pending_.clear();
  pending_from_ = 0;
}

void AccessLog::report_dropped(bool final) {
  const auto now = std::chrono::steady_clock::now();
  const auto dropped = dropped_.load(std::memory_order_relaxed);
  if (dropped == dropped_reported_ || (!final && now - reported_at_ < report_interval)) return;
  spdlog::warn(
      "access log {}: {} line{} dropped so far ({} since the last report): its reader does not "
      "keep up, and serving does not wait for it",
      target_ == "-" ? "(standard output)" : target_, dropped, dropped == 1 ? "" : "s",
      dropped - dropped_reported_);
  dropped_reported_ = dropped;
  reported_at_ = now;
}

void AccessLog::writer_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, flush_interval, [this] { return stop_ || wake_requested_; });
    wake_requested_ = false;
    const bool stopping = stop_;
    lock.unlock();
    collect();
    // At most a second per round (so new lines are taken in), and a second at the end.
    write_pending(std::chrono::steady_clock::now() + flush_interval);
    switch_output();
    report_dropped(stopping);
    if (stopping) {
      if (pending_from_ < pending_.size()) {
        drop(std::string_view(pending_).substr(pending_from_));
        report_dropped(true);
      }
      return;
    }
    lock.lock();
  }
}

}  // namespace dualhttpd
